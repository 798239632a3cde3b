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
///   intermediate levels: a level's 4-row strip reads 6 rows of the level
///   below, 4 of which that level wrote one round earlier, after all D levels
///   had touched at least D × 8 distinct rows of the tile (each level writes
///   4 new rows and reads 4 its lower level wrote a round before).
///   Where those bytes exceed a level (least-recently-used replacement), the
///   rows have left it in between: each ring update reads S from beyond it
///   (4 of 6 rows per 4 updates), and each ring cell it writes is written
///   back beyond it (S) before the next level reads it. STREAM counts a write
///   as S, as the copy and triad roofs do, so the rings' levels 2 … D reading
///   and levels 1 … D − 1 writing move 2·S·(D − 1)/D (the other 2·S/D is the
///   grid's). (Before 2026-12-04 the ring writes were left out, a bound that
///   did not follow STREAM's counting: it put `temporal` under the compute
///   roof at 640², where its rings' traffic through L2 is what limits it.)
/// - **The strip's other two rows** (every strip kernel): a strip reads the
///   row above it and the row below it too, and each of those is read twice.
///   The row above was read a round earlier (one strip earlier, at depth 1)
///   as the last centre row of the strip before; in between, every level
///   touched a strip's worth of rows, the round's D × 8 rows. The row below
///   is read again as the next strip's north row (at depth 1) or, in a
///   wavefront, was written by the level below in the same round, one strip
///   earlier; in between, one strip's rows passed: its 6 input and 4 output
///   rows, at least 9 rows besides the one read, of the tile's narrowest
///   width. (Level 1 reads the grid, which no level writes: both its extra
///   rows were read a round earlier, and a round passes more than a strip.)
///   Where those bytes exceed a level, the second read comes from
///   beyond it: S/4 more per update for each of the two rows. (At first
///   neither was counted: the bound assumed both rows still in the closer
///   level, which holds only for narrow tiles — at 640 Double columns a
///   strip's 9 rows take 46 KB, beyond a 32 KiB L1.)
///
/// Halos are recomputed work, which only adds traffic, and write-allocate is
/// not counted, so the bytes stay a lower bound.
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
        // What one strip touches between the two reads of its row below: 9 other rows.
        let stripBytesPerThread = 9 * (tileWidth ?? cols) * scalarBytes
        // What a round touches: between a ring row's write and its read, and
        // between the two reads of a strip's row above (at depth 1, one strip).
        let roundBytesPerThread = depth > 1 ? depth * 8 * ((tileWidth ?? cols) + 2 * depth) * scalarBytes : stripBytesPerThread
        var bytes: [String: Double] = ["L1": strips ? 2.5 * s : 2 * s]
        // Level i moves what the level before it cannot hold.
        let levels = Self.capacities(machine: machine, threads: threads)
        for index in levels.indices.dropFirst() {
            let closer = levels[index - 1]
            var traffic = 0.0
            if gridsBytes > closer.allCores { traffic += 2 * s / Double(depth) }
            if depth > 1 && roundBytesPerThread > closer.perCore { traffic += 2 * s * Double(depth - 1) / Double(depth) }
            // The second reads of a strip's row above and row below, where
            // there is a beyond: the grids (or, deeper, the rings) not held closer.
            if strips && traffic > 0 {
                if roundBytesPerThread > closer.perCore { traffic += s / 4 }
                if stripBytesPerThread > closer.perCore { traffic += s / 4 }
            }
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
