import DiffusionKit
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
///   intermediate levels (`TemporalSchedule`): in each round every level
///   writes 4 rows of its 6-row ring, and the level above reads those 4 at
///   once — after one strip has passed, its 6 input and 4 output rows, at
///   least 9 rows besides the one read, of the tile's narrowest width — and 2
///   of them again in the next round, after every level has touched its 6
///   live rows: D × 6 rows of the tile and its halos. Where the strip's bytes
///   exceed a level (least-recently-used replacement), the first reads come
///   from beyond it: S per ring update (levels 2 … D, (D − 1)/D of the
///   updates). Where the round's bytes exceed it, so do the second reads
///   (S/2 per update: 2 rows per 4 updates; at level 1 they are the grid's
///   rows, where the grids are not held either) and the write-back of every
///   ring cell before it is read again (S per ring update; STREAM counts a
///   write as S, as the copy and triad roofs do). (Before 2026-12-04 the ring
///   writes were left out, a bound that did not follow STREAM's counting: it
///   put `temporal` under the compute roof at 640², where its rings' traffic
///   through L2 is what limits it. Until 2026-12-05 each level ran a strip
///   behind the one below and read 4 of its 6 rows a round after they were
///   written, from 9-row rings: D × 8 rows a round.)
/// - **The strip's other two rows** (the strip kernels at one step per
///   sweep): a strip reads the row above it and the row below it too, and
///   each of those is read twice: the row above was the last centre row of
///   the strip before, and the row below is the next strip's north row; in
///   between, one strip's rows passed, its 6 input and 4 output rows. Where
///   those bytes exceed a level, the second read comes from beyond it: S/4
///   more per update for each of the two rows. (At first neither was
///   counted: the bound assumed both rows still in the closer level, which
///   holds only for narrow tiles — at 640 Double columns a strip's 9 rows
///   take 46 KB, beyond a 32 KiB L1.)
///
/// - **`temporal` on folded rows** (`FoldedKernel`) where levels run in
///   pairs (`TemporalSchedule.pairsFoldedLevels`: 64-byte vectors; elsewhere
///   folded levels move what unfolded ones move): 1 and 2, 3 and 4, …; the
///   last alone when D is odd. The second of a
///   pair takes its first reads of the first from registers (none from any
///   cache), and the first of a pair stores only 2 of its 4 rows (S/2 of
///   write-back, not S). Per update, L1 sees 2·S for a pair's first level
///   (loads 1.5·S, stores S/2) and 1.5·S for its second (loads S/2: the
///   two older rows; stores S), 1.75·S on average, against 2.5·S.
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
    /// with tiles of `tileWidth` columns (nil: whole rows), on folded rows
    /// when `folded` (`temporal` deeper than 1 only; levels in pairs where
    /// `TemporalSchedule.pairsFoldedLevels`, else as unfolded).
    public init(schedule: String, rows: Int, cols: Int, scalarBytes: Int, threads: Int,
                depth: Int?, tileWidth: Int?, folded: Bool = false, machine: MachineDescription) {
        flops = Self.flopsPerUpdate
        singleFlopInstructions = 5
        fmaInstructions = 1
        let s = Double(scalarBytes)
        let strips = ["simd", "parallel", "temporal"].contains(schedule)
        let gridsBytes = 2 * rows * cols * scalarBytes
        let depth = max(1, depth ?? 1)
        // What one strip touches between a row's write and its first read by
        // the level above, or between its two reads at one step per sweep: 9 other rows.
        let stripBytesPerThread = 9 * (tileWidth ?? cols) * scalarBytes
        // What a round touches between a ring row's first read and its second:
        // every level's 6 live rows of the tile and its halos.
        let roundBytesPerThread = depth * TemporalSchedule.ringSlots * ((tileWidth ?? cols) + 2 * depth) * scalarBytes
        // Per level of a sweep (1 … D), what it moves in units of S per
        // update of that level: first reads of the level below's fresh rows,
        // second reads of its two older rows, and the write-back of its own
        // rows (none for level D, which writes the grid).
        let paired = folded && depth > 1 && TemporalSchedule.pairsFoldedLevels(on: machine)
        var firstReads = 0.0, secondReads = 0.0, writeBacks = 0.0, level1 = 0.0
        for t in 1 ... depth {
            // In a pair (t odd, t < D: first; t even: second), or alone.
            let first = paired && t % 2 == 1 && t < depth, second = paired && t % 2 == 0
            if t > 1 && !second { firstReads += 1 }
            if t > 1 { secondReads += 0.5 }
            if t < depth { writeBacks += first ? 0.5 : 1 }
            level1 += first ? 2 : second ? 1.5 : 2.5
        }
        let perUpdate = { (sum: Double) in sum / Double(depth) }
        var bytes: [String: Double] = ["L1": strips ? perUpdate(level1) * s : 2 * s]
        // Level i moves what the level before it cannot hold.
        let levels = Self.capacities(machine: machine, threads: threads)
        for index in levels.indices.dropFirst() {
            let closer = levels[index - 1]
            var traffic = 0.0
            if gridsBytes > closer.allCores { traffic += 2 * s / Double(depth) }
            if depth > 1 {
                if stripBytesPerThread > closer.perCore { traffic += s * perUpdate(firstReads) }
                if roundBytesPerThread > closer.perCore {
                    traffic += s * perUpdate(writeBacks) + s * perUpdate(secondReads)
                    if gridsBytes > closer.allCores { traffic += s / 2 / Double(depth) }
                }
            } else if strips && traffic > 0 {
                // The second reads of a strip's row above and row below, where
                // there is a beyond: the grids not held closer.
                traffic += stripBytesPerThread > closer.perCore ? s / 2 : 0
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
