import Hardware

/// `temporal`: temporal blocking — several steps per sweep over memory, on
/// all cores.
///
/// Scheme: each thread owns a band of output rows and streams down it once
/// per sweep of D steps, as a wavefront through a ring of row buffers per
/// intermediate time level:
///
///     level 0 (the input grid)  rows ────────────────▶
///     level 1 (ring of 6 rows)    rows ───────────────▶   one row behind
///     …
///     level D (the output grid)        rows ──────────▶
///
/// In each round, level t computes four rows (with the `simd` kernel,
/// `StencilKernel`) one row behind the four that level t − 1 computed just
/// before it: they need the six rows around them, four of which are that
/// fresh strip and two the one before, so a ring of 4 + 2 = 6 rows per level
/// suffices (5 fails: the tests catch it). Until 2026-12-05 each level ran a
/// whole strip behind the one below, which read four of its six rows from a
/// round earlier and needed rings of 9 rows: measured on the Zen 4 (see
/// RESULTS.md), the one-row lag is 3 % faster on 4096² and 1–2 % on 640², and
/// its rings are a third smaller. Bands
/// are independent: a band's level-t rows extend D − t rows beyond it on each
/// side (the halo), which its thread recomputes instead of exchanging — the
/// input grid is read-only and the output rows of the bands are disjoint, so
/// there are no races and only one barrier per sweep. Under `periodic` the
/// halo rows and the levels beyond the grid's edge are *virtual* rows (any
/// integer index; level 0 reads row index mod rows), so the wrap needs no
/// special case and even a 3-row grid can be swept D deep; under `reflecting`
/// and `fixed` the levels stop at the grid's edge and the boundary rule
/// applies at every level.
///
/// Wide rows are cut into column tiles, swept one after another, so that the
/// rings of one thread ((D − 1) × 6 tile rows) fit its L2 cache; a tile's
/// levels carry column halos the same way (virtual columns under periodic,
/// where level 1 reads level 0 near the grid's edge from a copy gathered,
/// wrapping, into one more ring, and everywhere else in place).
///
/// Whole rows whose width folds into the machine's vectors are swept folded
/// (`FoldedRows`, `FoldedKernel`): the grid is folded once before the first
/// sweep and unfolded after the last. With 64-byte vectors levels advance
/// two at a time (`FoldedPair`), the second from the first's rows still in
/// registers (`pairsFoldedLevels`). On the 2-core Zen 4 the seed's 640² ×
/// 500 took 17.7–18.7 ms folded against 21.6–21.7 unfolded (Double; Float
/// 10.8–11.0 against 11.6–11.7).
///
/// Depth (`TemporalPlan`, from `context.machine`'s caches): 8 steps per
/// sweep when both grids fit the last-level cache (the grid's round trip
/// through it is cheap), about 16 when they do not; at most a quarter of a
/// band's rows. The sweeps are as many as come closest to that depth, and
/// `steps` are spread evenly over them (50 steps: 17 + 17 + 16, not 13 + 13
/// + 12 + 12, nor 16 + 16 + 16 + 2). Measured on a 2-core Zen 4 with 1 MiB
/// L2 and 32 MiB L3 (see RESULTS.md): on the 640² seed depths 4–12 were
/// within 2 %; on 4096², 16 beat 8 by 20 %, and 3 sweeps of 17 beat 4 of 13
/// by 3 %.
///
/// Memory traffic per update: 8 + 8 bytes (Double; 4 + 4 Float) of grid per
/// D updates — the input read once, the output written once per sweep — plus
/// the rings' traffic, which stays in the core's caches.
///
/// Why it is fast: the grid crosses the memory bus (or the L3) once per D
/// steps instead of every step, so a grid larger than cache stops being
/// bandwidth-bound and runs at the kernel's in-cache speed; halos cost
/// (D − 1)/band of the rows and 2D/tile of the columns (2–4 %).
///
/// Edge cases: steps not divisible by D give sweeps of two depths; grids
/// whose two copies fit the threads' L2 caches (up to 362² Double on two
/// cores with 1 MiB L2 each, 256² with 512 KiB), and tiny ones, run one step
/// per sweep, D = 1 (unless a depth is given) with `parallel`'s band kernel, so `temporal` is never much slower
/// than `parallel`; threads are chosen as in `parallel`, and by default also
/// so that each band has 16 rows. Bit-identical to `ReferenceSchedule`: every cell of
/// every level is computed by the same kernel from the same values.
public struct TemporalSchedule: Schedule {
    /// Steps per sweep, or nil to derive them from the grid (`TemporalPlan`).
    public let depth: Int?
    /// Columns per tile, or nil to derive them from the cache size.
    let tileWidth: Int?
    /// Whether whole-row sweeps run on folded rows (`FoldedRows`), or nil to
    /// decide by the machine (`TemporalPlan`).
    let folded: Bool?

    /// - Parameter depth: steps per sweep (≥ 1), or nil (the default) to
    ///   choose them from the grid's size.
    public init(depth: Int? = nil) {
        self.init(depth: depth, tileWidth: nil)
    }

    /// With a fixed tile width and layout too: for plans, and for tests,
    /// which need tiles on small grids.
    init(depth: Int?, tileWidth: Int?, folded: Bool? = nil) {
        precondition(depth.map { $0 >= 1 } ?? true, "depth must be at least 1")
        precondition(tileWidth.map { $0 >= 1 } ?? true, "tiles must be at least one column wide")
        self.depth = depth
        self.tileWidth = tileWidth
        self.folded = folded
    }

    public var descriptor: ScheduleDescriptor {
        ScheduleDescriptor(
            name: "temporal",
            seedCounterpart: "(beyond the seed)",
            lesson: "temporal blocking: many steps per pass through a cache-resident wavefront of rows, "
                + "so the grid crosses the memory bus once per sweep, not once per step",
            isParallel: true
        )
    }

    public func threads(for problem: Problem, context: ExecutionContext) -> Int {
        TemporalPlan.members(context: context, rows: problem.rows, cols: problem.cols)
    }

    public func advance(_ grid: inout Grid<Double>, steps: Int, problem: Problem, context: ExecutionContext) {
        Self.advance(&grid, steps: steps, problem: problem, context: context, depth: depth, tileWidth: tileWidth,
                     folded: folded)
    }

    public func advance(_ grid: inout Grid<Float>, steps: Int, problem: Problem, context: ExecutionContext) {
        Self.advance(&grid, steps: steps, problem: problem, context: context, depth: depth, tileWidth: tileWidth,
                     folded: folded)
    }

    /// Rows in each ring: a strip of 4 rows needs the row above and below it,
    /// and the level it reads is only one row further on (see above).
    public static let ringSlots = 4 + 2

    /// Whether folded sweeps on `machine` advance their levels two at a time
    /// (`FoldedPair`) rather than one (`FoldedStrip`): where the pair's 31
    /// live vectors fit the registers, which this rule takes to be where
    /// vectors are 64 bytes (AVX-512's 32 registers). With AVX2's 16 the pair
    /// spills about 15 vectors per step of its loop (53 stack references in
    /// `perf annotate`), and an AVX2 build on the Zen 4, planned for a Zen 3,
    /// ran the seed's 640² × 500 in 23.7–24.4 ms with single folded levels
    /// against 26.0–27.0 in pairs (256² Double: 4.3–4.4 against 4.8; RESULTS.md,
    /// 2026-12-06). 16-byte vectors (NEON has 32 registers, SSE 16) were not
    /// measured, and take single levels.
    public static func pairsFoldedLevels(on machine: MachineDescription) -> Bool {
        kernelVectorBytes(machine.vectorBytes) >= 64
    }

    static func advance<Scalar: StencilScalar>(
        _ grid: inout Grid<Scalar>, steps: Int, problem: Problem, context: ExecutionContext,
        depth: Int?, tileWidth: Int?, folded: Bool?
    ) {
        guard steps > 0 else { return }
        let rows = grid.rows, cols = grid.cols
        let plan = TemporalPlan(
            rows: rows, cols: cols, scalarBytes: MemoryLayout<Scalar>.stride, steps: steps,
            context: context, depth: depth, tileWidth: tileWidth, folded: folded)
        let lanes = FoldedRows.lanes(vectorBytes: context.machine.vectorBytes, scalarBytes: MemoryLayout<Scalar>.stride)
        let ghost = GhostRow<Scalar>(problem: problem, cols: cols)
        let edges = GridEdges<Scalar>(
            boundary: problem.boundary, coefficient: Scalar(problem.coefficient),
            fixedValue: Scalar(problem.boundary.fixedValue ?? 0), ghostRow: UnsafePointer(ghost.pointer),
            vectorBytes: context.machine.vectorBytes)
        let team = plan.bands.count > 1 ? ThreadTeam.shared(size: plan.bands.count) : nil
        // Ring rows start on cache lines. Levels 1 … depth − 1 have a ring
        // each; a tiled periodic sweep also gathers the level-0 columns near
        // the grid's edge (where they wrap) into one more.
        let lineScalars = 64 / MemoryLayout<Scalar>.stride
        let ringStride = (plan.ringRowWidth + lineScalars - 1) / lineScalars * lineScalars
        let ringLevels = plan.depth - 1 + (plan.isTiled && problem.boundary == .periodic ? 1 : 0)
        let ringCount = max(1, ringLevels * ringSlots * ringStride)
        var next = ScratchPool.take(rows: rows, cols: cols, as: Scalar.self)
        context.phase("sweeps (on the thread team)") {
            grid.withUnsafeMutableBufferPointer { first in
                next.withUnsafeMutableBufferPointer { second in
                    let a = first.baseAddress!, b = second.baseAddress!
                    let body = { (member: Int) in
                        // Each thread's rings, taken (and on first use
                        // allocated, so first touched and placed near it) by
                        // that thread, and kept for the next run (`RingPool`).
                        let buffer = RingPool.take(bytes: ringCount * MemoryLayout<Scalar>.stride)
                        defer { RingPool.giveBack(buffer.pointer, bytes: buffer.bytes) }
                        let ring = buffer.pointer.bindMemory(to: Scalar.self, capacity: ringCount)
                        var source = a, target = b
                        let band = plan.bands[member]
                        if plan.folded {
                            // Into the other grid, folded; the sweeps then
                            // start from it, and the result is unfolded into
                            // the grid it would have been in (see below).
                            FoldedRows.fold(rows: band, of: a, into: b, cols: cols, lanes: lanes)
                            team?.barrier()
                            swap(&source, &target)
                        }
                        for sweep in 0 ..< plan.sweeps(steps: steps) {
                            let depth = plan.depth(ofSweep: sweep, steps: steps)
                            if depth == 1 && !plan.isTiled && !plan.folded {
                                // Grids too small to block: `parallel`'s band
                                // kernel, without the wavefront's bookkeeping.
                                Scalar.updateBand(
                                    source: source, target: target, rows: rows, cols: cols,
                                    band: plan.bands[member], edges: edges)
                            } else {
                                for tile in plan.tiles {
                                    Sweep(source: source, target: target, rows: rows, cols: cols,
                                          band: band, tile: tile, wholeRows: !plan.isTiled, folded: plan.folded,
                                          pairs: plan.pairsLevels, depth: depth, ring: ring, ringStride: ringStride, edges: edges).run()
                                }
                            }
                            // The next sweep reads rows that other threads wrote.
                            team?.barrier()
                            swap(&source, &target)
                        }
                        if plan.folded {
                            // After s sweeps the folded result is in `a` for
                            // odd s, in `b` for even s; unfolded into the
                            // other, it ends where an unfolded run's would,
                            // so the swap below holds for both. (The last
                            // sweep's barrier has passed: every row is done.)
                            FoldedRows.unfold(rows: band, of: source, into: target, cols: cols, lanes: lanes)
                        }
                    }
                    if let team { team.run(body) } else { body(0) }
                }
            }
        }
        if plan.sweeps(steps: steps) % 2 == 1 { swap(&grid, &next) }
        ScratchPool.giveBack(next)
        withExtendedLifetime(ghost) {}
    }

    /// `depth` steps of the cells `band` × `tile`, from `source` into `target`.
    ///
    /// Coordinates are the grid's, extended to any integer under `periodic`
    /// (virtual rows and columns, equal to their index modulo the grid's size).
    /// Level t covers the rows `levelRows(t)` and the columns `levelColumns(t)`:
    /// the band and the tile with a halo of depth − t on each side. Ring rows
    /// hold the columns from `origin` on.
    private struct Sweep<Scalar: StencilScalar> {
        let source: UnsafeMutablePointer<Scalar>
        let target: UnsafeMutablePointer<Scalar>
        let rows: Int
        let cols: Int
        let band: Range<Int>
        let tile: Range<Int>
        /// One tile spanning whole rows: no column halo, and the column edges
        /// are the grid's (wrapping, under periodic).
        let wholeRows: Bool
        /// Whole rows, folded (`FoldedRows`): levels advance by
        /// `FoldedKernel`.
        let folded: Bool
        /// Folded levels advance two at a time where both have four rows
        /// (`TemporalSchedule.pairsFoldedLevels`).
        let pairs: Bool
        let depth: Int
        let ring: UnsafeMutablePointer<Scalar>
        let ringStride: Int
        let edges: GridEdges<Scalar>

        var periodic: Bool { edges.boundary == .periodic }
        /// The first column a ring row holds.
        var origin: Int { wholeRows ? 0 : tile.lowerBound - depth }

        @inline(__always) func levelRows(_ t: Int) -> Range<Int> {
            let halo = depth - t
            if periodic { return band.lowerBound - halo ..< band.upperBound + halo }
            return max(0, band.lowerBound - halo) ..< min(rows, band.upperBound + halo)
        }

        @inline(__always) func levelColumns(_ t: Int) -> Range<Int> {
            if wholeRows { return 0 ..< cols }
            let halo = depth - t
            if periodic { return tile.lowerBound - halo ..< tile.upperBound + halo }
            return max(0, tile.lowerBound - halo) ..< min(cols, tile.upperBound + halo)
        }

        /// Level-0 columns outside the grid: read from a gathered copy.
        var gathers: Bool {
            let columns = levelColumns(0)
            return periodic && (columns.lowerBound < 0 || columns.upperBound > cols)
        }

        @inline(__always) func modulo(_ v: Int, _ n: Int) -> Int {
            let m = v % n
            return m < 0 ? m + n : m
        }

        /// The ring row for row v of level t (1 … depth − 1; level 0 is the
        /// gathered copy), at column `origin`.
        @inline(__always) func ringRow(_ t: Int, _ v: Int) -> UnsafeMutablePointer<Scalar> {
            // The gather ring sits after the depth − 1 level rings.
            let level = t == 0 ? depth - 1 : t - 1
            return ring + (level &* TemporalSchedule.ringSlots &+ modulo(v, TemporalSchedule.ringSlots)) &* ringStride
        }

        /// Row v of level t (0 ≤ t < depth) at column `column`, for reading;
        /// level 0 from the gathered copy when `gathered`, else from the
        /// source grid. Rows outside the grid (not periodic) are the boundary
        /// rule's row.
        @inline(__always) func input(_ t: Int, _ row: Int, _ column: Int, gathered: Bool) -> UnsafePointer<Scalar> {
            var v = row
            if !periodic && (v < 0 || v >= rows) {
                // Levels stop at the grid's edge: the row beyond is the rule's.
                switch edges.boundary.neighbour(at: v, count: rows) {
                case .cell(let inside): v = inside
                case .fixedValue: return edges.ghostRow! + column
                }
            }
            if t == 0 && !gathered {
                return UnsafePointer(source + ((periodic ? modulo(v, rows) : v) &* cols &+ column))
            }
            return UnsafePointer(ringRow(t, v) + (column &- origin))
        }

        /// Row v of level t (1 ≤ t ≤ depth) at column `column`, for writing.
        @inline(__always) func output(_ t: Int, _ v: Int, _ column: Int) -> UnsafeMutablePointer<Scalar> {
            // The band's rows only: others belong to another thread, or lie
            // outside the grid (checked in debug builds, where the tests run).
            assert(t < depth || band.contains(v), "level \(depth) row \(v) is outside the band \(band)")
            if t == depth { return target + (v &* cols &+ column) }
            return ringRow(t, v) + (column &- origin)
        }

        /// Copies level-0 row v, columns `columns`, wrapping around the grid,
        /// into the gather ring.
        func gather(_ v: Int, columns: Range<Int>) {
            let from = source + modulo(v, rows) &* cols
            let to = ringRow(0, v) + (columns.lowerBound - origin)
            var column = columns.lowerBound
            while column < columns.upperBound {
                let start = modulo(column, cols)
                let run = min(cols - start, columns.upperBound - column)
                (to + (column - columns.lowerBound)).update(from: from + start, count: run)
                column += run
            }
        }

        /// Level 1's columns in three segments, any of them empty: `west` and
        /// `east` read level 0 from the gather ring, `inPlace` from the grid.
        /// Only the columns near a wrapped edge of a tiled periodic sweep
        /// need the copy: a column reads its two neighbours, so those from 1
        /// to cols − 2 read the grid in place. Until 2026-12-05 whole tile
        /// rows were gathered: the copy took 14 % of a 4096² periodic run
        /// (perf, on the Zen 4), and reading in place made it 7 % faster
        /// (RESULTS.md). A gathered segment is kept at least `gatheredWidth`
        /// wide, one vector of Float on AVX-512, so that the kernel does not
        /// fall back to single cells. (Three ranges, not an array: a sweep
        /// allocates nothing.)
        func levelOneSplit() -> (west: Range<Int>, inPlace: Range<Int>, east: Range<Int>) {
            let columns = levelColumns(1)
            guard gathers else { return (0 ..< 0, columns, 0 ..< 0) }
            let gatheredWidth = 16
            let lower = columns.lowerBound < 1 ? max(1, columns.lowerBound + gatheredWidth) : columns.lowerBound
            let upper = columns.upperBound > cols - 1 ? min(cols - 1, columns.upperBound - gatheredWidth) : columns.upperBound
            // Too narrow to split (a tiny grid, or halos wider than it): all gathered.
            guard lower < upper else { return (columns, 0 ..< 0, 0 ..< 0) }
            return (columns.lowerBound ..< lower, lower ..< upper, upper ..< columns.upperBound)
        }

        /// The wavefront: in round m, level t computes the rows
        /// `first − (t − 1) + 4m ..< + 4` of its range (`first`: level 1's
        /// first row), one row behind level t − 1. They read level t − 1's rows
        /// `− 1 ..< + 5`, of which level t − 1 computed the last four just
        /// before, in the same round, and the first two a round earlier: six
        /// live rows, the ring's `ringSlots`, and while it reads them level
        /// t − 1's next four rows have not yet been written over the oldest.
        func run() {
            let split = levelOneSplit()
            // The level-0 columns each gathered segment reads: it and its two
            // neighbours.
            @inline(__always) func read(_ segment: Range<Int>) -> Range<Int> {
                segment.isEmpty ? segment : segment.lowerBound - 1 ..< segment.upperBound + 1
            }
            let westCopy = read(split.west), eastCopy = read(split.east)
            var gathered = levelRows(0).lowerBound
            let first = levelRows(1).lowerBound
            var rounds = 0
            for t in 1 ... depth {
                rounds = max(rounds, (levelRows(t).upperBound - first + (t - 1) + 3) / 4)
            }
            for round in 0 ..< rounds {
                if !westCopy.isEmpty || !eastCopy.isEmpty {
                    // Just in time: the rows level 1 reads in this round.
                    let last = min(first + 4 * round + 4, levelRows(0).upperBound - 1)
                    while gathered <= last {
                        gather(gathered, columns: westCopy)
                        gather(gathered, columns: eastCopy)
                        gathered += 1
                    }
                }
                // Lower levels first: level t reads the rows that level t − 1
                // computed just before it in this round.
                @inline(__always) func roundRows(_ t: Int) -> (top: Int, rows: Range<Int>) {
                    let levelRange = levelRows(t), top = first - (t - 1) + 4 * round
                    let start = max(top, levelRange.lowerBound), end = min(top + 4, levelRange.upperBound)
                    return (top, start ..< max(start, end))
                }
                if folded {
                    var t = 1
                    while t <= depth {
                        let (top, rows) = roundRows(t)
                        // Two levels in one pass where both have four rows
                        // (level t + 1's are one row behind).
                        if pairs && t < depth && rows.count == 4 && roundRows(t + 1).rows == top - 1 ..< top + 3 {
                            foldedPair(level: t, top: top)
                            t += 2
                        } else {
                            if !rows.isEmpty { foldedStrip(level: t, rows: rows) }
                            t += 1
                        }
                    }
                    continue
                }
                for t in 1 ... depth {
                    let (_, rows) = roundRows(t)
                    let start = rows.lowerBound, end = rows.upperBound
                    if start >= end { continue }
                    if t == 1 {
                        strip(level: 1, rows: start ..< end, columns: split.west, gathered: true)
                        strip(level: 1, rows: start ..< end, columns: split.inPlace, gathered: false)
                        strip(level: 1, rows: start ..< end, columns: split.east, gathered: true)
                    } else {
                        strip(level: t, rows: start ..< end, columns: levelColumns(t), gathered: false)
                    }
                }
            }
        }

        /// Level t's rows `rows` (at most 4) of folded whole rows.
        @inline(__always) func foldedStrip(level t: Int, rows strip: Range<Int>) {
            let start = strip.lowerBound, k = strip.count
            @inline(__always) func input(_ v: Int) -> UnsafePointer<Scalar> { self.input(t - 1, v, 0, gathered: false) }
            let c0 = input(start)
            let c1 = k > 1 ? input(start + 1) : c0
            let c2 = k > 2 ? input(start + 2) : c0
            let c3 = k > 3 ? input(start + 3) : c0
            let o0 = output(t, start, 0)
            let o1 = k > 1 ? output(t, start + 1, 0) : o0
            let o2 = k > 2 ? output(t, start + 2, 0) : o0
            let o3 = k > 3 ? output(t, start + 3, 0) : o0
            Scalar.updateFoldedStrip(FoldedStrip(
                rows: k, north: input(start - 1), centre: (c0, c1, c2, c3), south: input(start + k),
                output: (o0, o1, o2, o3), cols: cols, boundary: edges.boundary,
                coefficient: edges.coefficient, fixedValue: edges.fixedValue, vectorBytes: edges.vectorBytes))
        }

        /// Levels t and t + 1 of folded whole rows in one pass: level t's
        /// rows `top ..< top + 4`, level t + 1's one row behind.
        @inline(__always) func foldedPair(level t: Int, top: Int) {
            @inline(__always) func input(_ level: Int, _ v: Int) -> UnsafePointer<Scalar> {
                self.input(level, v, 0, gathered: false)
            }
            Scalar.updateFoldedPair(FoldedPair(
                input: (input(t - 1, top - 1), input(t - 1, top), input(t - 1, top + 1),
                        input(t - 1, top + 2), input(t - 1, top + 3), input(t - 1, top + 4)),
                middleAbove: (input(t, top - 2), input(t, top - 1)),
                middle: (output(t, top, 0), output(t, top + 1, 0), output(t, top + 2, 0), output(t, top + 3, 0)),
                output: (output(t + 1, top - 1, 0), output(t + 1, top, 0), output(t + 1, top + 1, 0),
                         output(t + 1, top + 2, 0)),
                cols: cols, boundary: edges.boundary,
                coefficient: edges.coefficient, fixedValue: edges.fixedValue, vectorBytes: edges.vectorBytes))
        }

        /// Level t's rows `rows` (at most 4), columns `columns` (none: nothing
        /// to do), from level t − 1 (level 0 from the gather ring when `gathered`).
        @inline(__always) func strip(level t: Int, rows strip: Range<Int>, columns: Range<Int>, gathered: Bool) {
            if columns.isEmpty { return }
            let start = strip.lowerBound, k = strip.count
            let c = columns.lowerBound
            // The grid's edge applies where a level reaches it without a halo
            // beyond: always for whole rows, else only when not periodic.
            let levelColumns = levelColumns(t)
            let west: ColumnEdge = wholeRows || (!periodic && levelColumns.lowerBound == 0) ? .boundary : .inMemory
            let east: ColumnEdge = wholeRows || (!periodic && levelColumns.upperBound == cols) ? .boundary : .inMemory
            @inline(__always) func input(_ v: Int) -> UnsafePointer<Scalar> { self.input(t - 1, v, c, gathered: gathered) }
            let c0 = input(start)
            let c1 = k > 1 ? input(start + 1) : c0
            let c2 = k > 2 ? input(start + 2) : c0
            let c3 = k > 3 ? input(start + 3) : c0
            let o0 = output(t, start, c)
            let o1 = k > 1 ? output(t, start + 1, c) : o0
            let o2 = k > 2 ? output(t, start + 2, c) : o0
            let o3 = k > 3 ? output(t, start + 3, c) : o0
            Scalar.updateStrip(StencilStrip(
                rows: k, north: input(start - 1), centre: (c0, c1, c2, c3),
                south: input(start + k), output: (o0, o1, o2, o3),
                count: columns.count, west: west, east: east, boundary: edges.boundary,
                coefficient: edges.coefficient, fixedValue: edges.fixedValue, vectorBytes: edges.vectorBytes))
        }
    }
}

/// How `temporal` divides a grid: threads and their row bands, column tiles,
/// steps per sweep.
struct TemporalPlan {
    /// Steps per sweep (the last sweep may be shallower).
    var depth: Int
    /// One band of output rows per thread.
    var bands: [Range<Int>]
    /// Column tiles, swept one after the other; one tile of whole rows when
    /// the rings of whole rows fit the cache budget.
    var tiles: [Range<Int>]
    /// Cells in a ring row: `cols`, or the widest tile and its halos.
    var ringRowWidth: Int
    /// Whether the sweeps run on folded rows (`FoldedRows`, `FoldedKernel`).
    var folded: Bool
    /// Whether they could: whole rows, more than one step per sweep, and a
    /// width that folds into the machine's vectors.
    var foldable: Bool
    /// Whether folded levels advance two at a time (`FoldedPair`).
    var pairsLevels: Bool

    var isTiled: Bool { tiles.count > 1 }

    /// Whether whole-row sweeps fold their rows when the plan is not told:
    /// on machines with 32-byte vectors or wider (AVX2, AVX-512), where the
    /// folded kernels were measured faster. On the 2-core Zen 4 the seed's
    /// 640² × 500 (depth 8) took 17–18 ms folded against 21–22 (RESULTS.md,
    /// 2026-12-05, evening), levels in pairs. On an AVX2 build on the same
    /// machine, planned for a Zen 3's 512 KiB L2, folded rows were 4–8 %
    /// faster even in pairs, which spill there (640² and 256² Double,
    /// 1000 × 3000 Float), and with one level at a time
    /// (`TemporalSchedule.pairsFoldedLevels`) the seed's workload took
    /// 24.0–24.7 ms against 27.9–29.2 unfolded (RESULTS.md, 2026-12-06).
    /// On 16-byte vectors (NEON, SSE) nothing was measured, so only the
    /// measuring planner folds there (`Planner.candidates`).
    static func foldsByDefault(_ machine: MachineDescription) -> Bool {
        kernelVectorBytes(machine.vectorBytes) >= 32
    }

    /// What the rings of one thread may take: its core's L2
    /// (`MachineDescription.level2BytesPerCore`). Half of it, as first
    /// planned, made tiles too narrow: measured on a 2-core Zen 4 with 1 MiB
    /// L2 (see RESULTS.md), on 4096² Double, tiles of 1024 columns at depth 16
    /// — rings of 1.1 MB — beat 453-column tiles by 12 % (with the 9-row
    /// rings of then; with 6, 1024-column tiles at depth 16 are within 3 %
    /// of the 1360 this budget gives).
    static func ringBudgetBytes(_ machine: MachineDescription) -> Int { machine.level2BytesPerCore }
    /// Steps per sweep for grids whose two copies fit the last-level cache:
    /// their round trip is cheap, and deeper sweeps only add halo work
    /// (measured on a 2-core Zen 4, 32 MiB L3, 640² Double: depths 4–12
    /// within 2 %, 16 up to 6 % slower).
    static let cachedDepth = 8
    /// Steps per sweep for larger grids, whose round trip goes to DRAM
    /// (measured on the same Zen 4, 4096² Double: 0.112 s at 16 against
    /// 0.142 s at 12 and 0.144 s at 8).
    static let streamingDepth = 16
    /// A band has at least this many rows, so that halos stay a small part.
    static let minimumBandRows = 16
    /// Tiles are at least this wide, so that column halos stay a small part.
    static let minimumTileWidth = 256
    /// The narrowest tile the measuring planner tries: at depth 8 the column
    /// halos are 2 × 8 of 128 cells, 12 %, about what an L1-resident
    /// wavefront can win back.
    static let minimumCandidateTileWidth = 128

    /// Threads for a rows × cols grid: `parallel`'s rule, and without an
    /// explicit count at most one per `minimumBandRows` rows.
    static func members(context: ExecutionContext, rows: Int, cols: Int) -> Int {
        let members = FastSupport.members(context: context, rows: rows, cols: cols)
        return context.threads == 0 ? max(1, min(members, rows / minimumBandRows)) : members
    }

    /// The plan for a rows × cols grid of `scalarBytes`-byte cells stepped
    /// `steps` times on `context.machine` with `context.threads`; `depth`,
    /// `tileWidth` and `folded` override the derived values. Rows are folded
    /// only where they can be: whole rows (no tiles), sweeps deeper than one
    /// step, and a width that folds (`FoldedRows.canFold`); a `folded: true`
    /// elsewhere (from wisdom for another shape, say) keeps them as they are.
    init(rows: Int, cols: Int, scalarBytes: Int, steps: Int, context: ExecutionContext,
         depth requested: Int? = nil, tileWidth requestedWidth: Int? = nil, folded requestedFolding: Bool? = nil) {
        let machine = context.machine
        let members = Self.members(context: context, rows: rows, cols: cols)
        bands = FastSupport.bands(rows: rows, members: members)
        let shortestBand = bands.map(\.count).min()!
        // Two grids that fit the threads' L2 caches have nothing to gain from
        // blocking; two that fit the last level a little (the round trip
        // through L3 is cheap); larger ones a lot.
        let gridBytes = rows * cols * scalarBytes
        let ringBudget = Self.ringBudgetBytes(machine)
        let preferred = 2 * gridBytes <= members * ringBudget ? 1
            : 2 * gridBytes <= machine.lastLevelBytes ? Self.cachedDepth : Self.streamingDepth
        let automatic = Self.sweepDepth(steps: steps, target: preferred, limit: max(1, shortestBand / 4))
        depth = max(1, min(requested ?? automatic, steps))

        // Tiles whose rings, halos included, fit the budget.
        let slotBytes = TemporalSchedule.ringSlots * scalarBytes * max(1, depth - 1)
        var width = requestedWidth ?? cols
        if requestedWidth == nil && depth > 1 && slotBytes * cols > ringBudget {
            width = max(Self.minimumTileWidth, ringBudget / slotBytes - 2 * depth)
        }
        guard width < cols else {
            tiles = [0 ..< cols]
            ringRowWidth = cols
            let lanes = FoldedRows.lanes(vectorBytes: machine.vectorBytes, scalarBytes: scalarBytes)
            foldable = depth > 1 && FoldedRows.canFold(cols: cols, lanes: lanes)
            folded = foldable && (requestedFolding ?? Self.foldsByDefault(machine))
            pairsLevels = folded && TemporalSchedule.pairsFoldedLevels(on: machine)
            return
        }
        foldable = false
        folded = false
        pairsLevels = false
        // Inner tile edges on multiples of 16 cells (one vector of Float, two
        // of Double) where the tiles are wide enough. One allocation, as for
        // whole rows: the bench counts allocations per step from runs of k and
        // 3k steps, which may plan differently (`sweepDepth`).
        let count = (cols + width - 1) / width
        var tiles: [Range<Int>] = []
        tiles.reserveCapacity(count)
        var lower = 0
        for index in 1 ... count {
            let even = cols * index / count
            let aligned = even / 16 * 16
            let upper = index == count ? cols : aligned > lower ? aligned : even
            tiles.append(lower ..< upper)
            lower = upper
        }
        self.tiles = tiles
        ringRowWidth = tiles.lazy.map(\.count).max()! + 2 * depth
    }

    /// Steps per sweep for a `target` depth: `steps ÷ target` sweeps,
    /// rounded to the nearest (at least 1), each as deep as the deepest of
    /// them — 50 steps at 16: 3 sweeps, of at most 17, not 4 of at most 13:
    /// every sweep is a round trip of the grid through memory, and a little
    /// more depth costs a little more halo work (measured on the Zen 4 at
    /// 4096² × 50, see RESULTS.md: 3 % faster; depths 16 and 20 were within
    /// noise at 200 steps). Rounding keeps the depth within half as deep
    /// again as the target (23 steps at 16: one sweep of 23), unless that is
    /// deeper than `limit`, where the sweeps are `target` deep.
    static func sweepDepth(steps: Int, target requested: Int, limit: Int) -> Int {
        let target = max(1, min(requested, limit))
        let sweeps = max(1, (steps + target / 2) / target)
        let depth = (steps + sweeps - 1) / sweeps
        return depth <= limit ? depth : target
    }

    func sweeps(steps: Int) -> Int { (steps + depth - 1) / depth }

    /// The depth of sweep `index`: the steps spread evenly over the sweeps
    /// (50 steps at depth 16: 13, 13, 12, 12, not 16, 16, 16, 2 — the same
    /// four round trips to memory, but none with too little work to hide it;
    /// the automatic plan makes that depth 17: 17, 17, 16).
    func depth(ofSweep index: Int, steps: Int) -> Int {
        let count = sweeps(steps: steps)
        return steps / count + (index < steps % count ? 1 : 0)
    }
}
