#if MPI
import CMPI
import DiffusionKit

/// The whole field on rank 0, gathered from every rank's block: for files
/// that need all cells in one place to be encoded (`--png`: its colour
/// scale spans the field's minimum and maximum, and its rows are compressed
/// as one stream). Rank 0 needs memory for one more grid.
enum GatheredField {
    /// Rank 0 gets the rows × cols field; the other ranks get nil.
    static func gather<Scalar: DiffusionScalar>(
        _ block: Grid<Scalar>, decomposition: Decomposition, haloDepth: Int, world: MPIWorld, communicator: MPI_Comm?
    ) -> Grid<Scalar>? {
        // Every rank's block, in rank order (with reorder off, rank r sits at
        // process row r / processCols, column r mod processCols).
        let layouts = (0 ..< world.size).map {
            BlockLayout(decomposition, processRow: $0 / decomposition.processCols, processCol: $0 % decomposition.processCols, haloDepth: haloDepth)
        }
        let counts = layouts.map { Int32($0.ownedRows * $0.ownedCols) }
        var displacements: [Int32] = []
        var total: Int32 = 0
        for count in counts {
            displacements.append(total)
            total += count
        }
        var received = [Scalar](repeating: 0, count: world.isRoot ? Int(total) : 1)
        var sent = block
        sent.withUnsafeMutableBufferPointer { cells in
            received.withUnsafeMutableBufferPointer { into in
                counts.withUnsafeBufferPointer { counts in
                    displacements.withUnsafeBufferPointer { displacements in
                        _ = MPI_Gatherv(cells.baseAddress, Int32(cells.count), mpiType(Scalar.self),
                                        into.baseAddress, counts.baseAddress, displacements.baseAddress, mpiType(Scalar.self),
                                        0, communicator)
                    }
                }
            }
        }
        guard world.isRoot else { return nil }
        var field = Grid<Scalar>(rows: decomposition.rows, cols: decomposition.cols)
        field.withUnsafeMutableBufferPointer { cells in
            for (layout, start) in zip(layouts, displacements) {
                for i in 0 ..< layout.ownedRows {
                    let from = Int(start) + i * layout.ownedCols
                    let to = (layout.rows.lowerBound + i) * decomposition.cols + layout.cols.lowerBound
                    for j in 0 ..< layout.ownedCols { cells[to + j] = received[from + j] }
                }
            }
        }
        return field
    }
}
#endif
