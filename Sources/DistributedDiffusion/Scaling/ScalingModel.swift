/// A performance model of the distributed run, for projecting past the
/// machine at hand (what `diffuse scale` prints as a projection).
///
/// Per step and per rank, with no overlap of computation and communication
/// (the run overlaps none):
///
///     compute  = L / R                    L: cells of the largest local grid
///                                         (block and halos), R: cell updates/s
///                                         of one rank
///     exchange = 2·α + B / β              two phases, each one latency α for
///                                         its concurrent messages; B: the
///                                         most bytes one rank receives,
///                                         β: bandwidth in bytes/s
///     step     = compute + exchange / h   one exchange feeds h steps
///
/// Deep halos divide the latency and message count by h but add recomputed
/// halo cells to L (the local grid is stepped whole), so they pay where
/// blocks are small or latency is high, and cost a few per cent where blocks
/// are large. The model ignores contention, imbalance beyond the largest
/// block, and the wider gap between the ranks' speeds that a real machine shows.
public struct ScalingModel: Sendable {
    /// Network bandwidth in bits per second (default 100 Gb/s).
    public var bandwidthBitsPerSecond: Double
    /// One message's latency in seconds (default 2 µs).
    public var latencySeconds: Double
    /// One rank's compute rate in cell updates per second.
    public var updatesPerSecond: Double

    public init(updatesPerSecond: Double, bandwidthBitsPerSecond: Double = 100e9, latencySeconds: Double = 2e-6) {
        self.updatesPerSecond = updatesPerSecond
        self.bandwidthBitsPerSecond = bandwidthBitsPerSecond
        self.latencySeconds = latencySeconds
    }

    /// One projected configuration.
    public struct Point: Sendable {
        public let ranks: Int
        public let processRows: Int, processCols: Int
        public let haloDepth: Int
        public let computeSeconds: Double
        public let exchangeSeconds: Double
        public let traffic: HaloTraffic
        /// Seconds per step.
        public var stepSeconds: Double { computeSeconds + exchangeSeconds / Double(haloDepth) }
    }

    /// The projected step of a rows × cols grid over `ranks` processes with
    /// halos `haloDepth` deep (nil: the automatic depth), or nil when the
    /// decomposition cannot carry that halo.
    public func project(rows: Int, cols: Int, ranks: Int, haloDepth: Int?, bytesPerCell: Int, periodic: Bool) -> Point? {
        let decomposition = Decomposition(rows: rows, cols: cols, ranks: ranks, periodic: periodic)
        let depth = haloDepth ?? decomposition.automaticHaloDepth
        guard decomposition.supports(haloDepth: depth) else { return nil }
        // The largest local grid: an inner block (two halos a dimension) of the larger size.
        let candidates = [(0, 0), (decomposition.processRows / 2, decomposition.processCols / 2)]
        let largest = candidates.map { (r, c) -> Int in
            let block = BlockLayout(decomposition, processRow: r, processCol: c, haloDepth: depth)
            return block.localRows * block.localCols
        }.max()!
        let traffic = HaloTraffic(decomposition, haloDepth: depth, bytesPerCell: bytesPerCell)
        let exchange = decomposition.exchangesAny
            ? 2 * latencySeconds + Double(traffic.largestProcessBytes) / (bandwidthBitsPerSecond / 8)
            : 0
        return Point(ranks: ranks, processRows: decomposition.processRows, processCols: decomposition.processCols,
                     haloDepth: depth, computeSeconds: Double(largest) / updatesPerSecond,
                     exchangeSeconds: exchange, traffic: traffic)
    }
}
