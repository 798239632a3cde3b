import Hardware

/// The work and the memory traffic of one cell update of the five-point
/// explicit-Euler stencil, at each level of the hierarchy, for a schedule:
/// what turns the machine's roofs into update rates.
///
/// Work: u' = u + r·((((S + N) + E) + W) − 4u) is 3 adds, one FMA (−4u +
/// sum), one multiply and one add: 7 flops, 6 vector instructions per lane
/// (5 single-flop, 1 FMA). Every schedule does at least this per update.
///
/// Traffic is a lower bound, counted as STREAM counts (reads and writes the
/// program asks for; write-allocate not counted, as in the bandwidth roofs),
/// with S bytes per cell:
///
/// - **L1:** every update stores its cell (S) and loads the values it needs.
///   The strip kernels (`simd`, `parallel`, `temporal`, computing four rows
///   at once) load 6 rows per 4: 1.5·S. Any other schedule loads at least
///   its own cell: S.
/// - **One step per sweep** (every schedule but `temporal` deeper than 1):
///   each update reads its cell from, and writes it to, the closest level
///   that holds both grids: 2·S at that level and at every level between it
///   and L1 (a level moves what the level before it cannot hold).
/// - **`temporal`, depth D:** the grid is read and written once per sweep:
///   2·S/D at every level that cannot hold both grids. The rings of the
///   intermediate levels: level t + 1 reads the rows level t wrote one round
///   earlier, after the other levels have touched about D × 10 rows of the
///   tile (6 read, 4 written each); where those bytes exceed a level, each
///   update reads at least its cell (S) from beyond it. (The rows written
///   this round are still in L1, and write-backs are not counted, so S, not
///   2·S: a lower bound.) Halos are recomputed work, which only adds
///   traffic, so the bound still holds.
///
/// Which level holds what: a private level's capacity is per thread (per
/// core); a shared level's is its instance, for all threads.
public struct StencilTraffic: Sendable, Codable, Equatable {
    /// Flops per update (7).
    public var flops: Double
    /// Vector instructions per lane per update: adds (and multiplies) that
    /// take one pipe slot, and FMAs.
    public var singleFlopInstructions: Double
    public var fmaInstructions: Double
    /// Bytes per update at each level: "L1", "L2", "L3", "memory" (zero
    /// where the data stay in a closer level).
    public var bytes: [String: Double]

    public static let flopsPerUpdate = 7.0

    enum CodingKeys: String, CodingKey {
        case flops, singleFlopInstructions = "single_flop_instructions", fmaInstructions = "fma_instructions", bytes
    }

    /// The traffic of `schedule` (its registry name) on a rows × cols grid
    /// of `scalarBytes`-byte cells on `threads` threads of `machine`, at
    /// `depth` steps per sweep (`temporal`; nil or 1 for one step per sweep)
    /// with tiles of `tileWidth` columns (nil: whole rows).
    public init(schedule: String, rows: Int, cols: Int, scalarBytes: Int, threads: Int,
                depth: Int?, tileWidth: Int?, machine: MachineDescription) {
        flops = Self.flopsPerUpdate
        singleFlopInstructions = 5
        fmaInstructions = 1
        let s = Double(scalarBytes)
        let strips = ["simd", "parallel", "temporal"].contains(schedule)
        let gridsBytes = 2 * rows * cols * scalarBytes
        let depth = max(1, depth ?? 1)
        // What the other levels touch between a ring row's write and its read.
        let reuseBytesPerThread = depth > 1 ? depth * 10 * ((tileWidth ?? cols) + 2 * depth) * scalarBytes : 0
        var bytes: [String: Double] = ["L1": strips ? 2.5 * s : 2 * s]
        // Level i moves what the level before it cannot hold.
        let levels = Self.capacities(machine: machine, threads: threads)
        for index in levels.indices.dropFirst() {
            let closer = levels[index - 1]
            var traffic = 0.0
            if gridsBytes > closer.allCores { traffic += 2 * s / Double(depth) }
            if depth > 1 && reuseBytesPerThread > closer.perCore { traffic += s }
            bytes[levels[index].name] = traffic
        }
        self.bytes = bytes
    }

    /// The levels in order from L1 to memory, with what a thread and all
    /// threads can keep in each (memory: unbounded). A private cache holds
    /// its size per core; a shared one its instance for all.
    static func capacities(machine: MachineDescription, threads: Int) -> [(name: String, perCore: Int, allCores: Int)] {
        let threads = max(1, threads)
        let l1 = machine.level1DataBytes, l2 = machine.level2BytesPerCore
        var list: [(String, Int, Int)] = [("L1", l1, l1 * threads), ("L2", l2, l2 * threads)]
        if machine.caches.contains(where: { $0.level >= 3 && $0.type != .instruction }) || machine.caches.isEmpty {
            let last = machine.lastLevelBytes
            list.append(("L3", last / threads, last))
        }
        list.append(("memory", .max, .max))
        return list
    }

    /// Flops per byte at `level` (nil where no bytes move).
    public func intensity(at level: String) -> Double? {
        guard let moved = bytes[level], moved > 0 else { return nil }
        return flops / moved
    }
}
