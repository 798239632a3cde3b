/// The messages and bytes of one halo exchange, summed over all processes,
/// and their share of one step.
///
/// An exchange has two phases, so that the corner cells of deep halos arrive
/// without diagonal messages:
///
/// 1. west/east: each side with a halo receives `haloDepth × ownedRows` cells;
/// 2. north/south: each side with a halo receives `haloDepth × localCols`
///    cells, the full local width, so the west/east halos just received
///    travel on to the diagonal neighbours.
///
/// Every received message is one sent, so messages = receives. A periodic
/// dimension with one process sends to itself (counted: MPI still copies).
/// An exchange feeds `haloDepth` steps, so per step the counts fall h-fold;
/// the bytes per step stay about the same (h times deeper, h times rarer).
public struct HaloTraffic: Sendable, Equatable {
    public let messagesPerExchange: Int
    public let bytesPerExchange: Int
    public let haloDepth: Int
    /// The most bytes one process receives in one exchange (the slowest link's load).
    public let largestProcessBytes: Int

    public init(_ decomposition: Decomposition, haloDepth: Int, bytesPerCell: Int) {
        var messages = 0, bytes = 0, largest = 0
        if decomposition.exchangesAny {
            for pr in 0 ..< decomposition.processRows {
                for pc in 0 ..< decomposition.processCols {
                    let block = BlockLayout(decomposition, processRow: pr, processCol: pc, haloDepth: haloDepth)
                    var cells = 0
                    for side in [block.haloWest, block.haloEast] where side > 0 {
                        messages += 1
                        cells += side * block.ownedRows
                    }
                    for side in [block.haloNorth, block.haloSouth] where side > 0 {
                        messages += 1
                        cells += side * block.localCols
                    }
                    bytes += cells * bytesPerCell
                    largest = max(largest, cells * bytesPerCell)
                }
            }
        }
        messagesPerExchange = messages
        bytesPerExchange = bytes
        largestProcessBytes = largest
        self.haloDepth = haloDepth
    }

    public var messagesPerStep: Double { Double(messagesPerExchange) / Double(haloDepth) }
    public var bytesPerStep: Double { Double(bytesPerExchange) / Double(haloDepth) }
}
