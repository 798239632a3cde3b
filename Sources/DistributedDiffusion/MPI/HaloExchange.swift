#if MPI
import CMPI

/// Fills the halos of one rank's local grid from its neighbours' blocks, in
/// two phases of non-blocking messages (see `HaloTraffic`):
///
/// 1. west/east: the h owned columns next to each west/east side go to that
///    neighbour, whose opposite halo they fill (owned rows only);
/// 2. north/south: the h rows next to each north/south side, across the
///    whole local width (west/east halos included), so corners reach the
///    diagonal neighbours through the phase-1 data, without diagonal messages.
///
/// Every region is an MPI subarray datatype over the local grid, built once,
/// so nothing is packed by hand. Tags name the direction of travel, so a rank
/// that is its own neighbour across a periodic wrap matches its sends with
/// the right receives.
final class HaloExchange {
    private let west: Int32, east: Int32, north: Int32, south: Int32
    private var types: [MPI_Datatype?] = []
    private let sendWest, receiveWest, sendEast, receiveEast: MPI_Datatype?
    private let sendNorth, receiveNorth, sendSouth, receiveSouth: MPI_Datatype?
    private let communicator: MPI_Comm?

    private enum Travel: Int32 { case east = 11, west = 12, south = 13, north = 14 }

    init<Scalar>(_ layout: BlockLayout, neighbours: (north: Int32, south: Int32, west: Int32, east: Int32),
                 communicator: MPI_Comm?, scalar: Scalar.Type) {
        (north, south, west, east) = neighbours
        self.communicator = communicator
        let h = layout.haloDepth
        let rows = layout.localRows, cols = layout.localCols
        let top = layout.haloNorth, left = layout.haloWest
        let ownedRows = layout.ownedRows, ownedCols = layout.ownedCols
        var made: [MPI_Datatype?] = []
        func region(_ r0: Int, _ nr: Int, _ c0: Int, _ nc: Int) -> MPI_Datatype? {
            guard nr > 0 && nc > 0 else { return nil }
            var sizes: [Int32] = [Int32(rows), Int32(cols)], subsizes: [Int32] = [Int32(nr), Int32(nc)]
            var starts: [Int32] = [Int32(r0), Int32(c0)]
            var type: MPI_Datatype? = nil
            MPI_Type_create_subarray(2, &sizes, &subsizes, &starts, cmpi_order_c(), mpiType(Scalar.self), &type)
            MPI_Type_commit(&type)
            made.append(type)
            return type
        }
        let hasWest = layout.haloWest > 0, hasEast = layout.haloEast > 0
        let hasNorth = layout.haloNorth > 0, hasSouth = layout.haloSouth > 0
        sendWest = hasWest ? region(top, ownedRows, left, h) : nil
        receiveWest = hasWest ? region(top, ownedRows, 0, h) : nil
        sendEast = hasEast ? region(top, ownedRows, left + ownedCols - h, h) : nil
        receiveEast = hasEast ? region(top, ownedRows, left + ownedCols, h) : nil
        sendNorth = hasNorth ? region(top, h, 0, cols) : nil
        receiveNorth = hasNorth ? region(0, h, 0, cols) : nil
        sendSouth = hasSouth ? region(top + ownedRows - h, h, 0, cols) : nil
        receiveSouth = hasSouth ? region(top + ownedRows, h, 0, cols) : nil
        types = made
    }

    deinit {
        for var type in types { MPI_Type_free(&type) }
    }

    /// Exchanges the halos of the local grid at `base` (localRows × localCols, row-major).
    func exchange(_ base: UnsafeMutableRawPointer) {
        phase([(receiveWest, west, .east), (receiveEast, east, .west)],
              [(sendEast, east, .east), (sendWest, west, .west)], base)
        phase([(receiveNorth, north, .south), (receiveSouth, south, .north)],
              [(sendSouth, south, .south), (sendNorth, north, .north)], base)
    }

    /// Posts the receives, then the sends, and waits for all of them.
    private func phase(_ receives: [(MPI_Datatype?, Int32, Travel)], _ sends: [(MPI_Datatype?, Int32, Travel)],
                       _ base: UnsafeMutableRawPointer) {
        var requests: [MPI_Request?] = []
        for (type, peer, travel) in receives {
            guard let type else { continue }
            var request: MPI_Request? = nil
            MPI_Irecv(base, 1, type, peer, travel.rawValue, communicator, &request)
            requests.append(request)
        }
        for (type, peer, travel) in sends {
            guard let type else { continue }
            var request: MPI_Request? = nil
            MPI_Isend(base, 1, type, peer, travel.rawValue, communicator, &request)
            requests.append(request)
        }
        guard !requests.isEmpty else { return }
        MPI_Waitall(Int32(requests.count), &requests, cmpi_statuses_ignore())
    }
}
#endif
