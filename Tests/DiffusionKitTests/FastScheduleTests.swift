import DiffuseTestSupport
@testable import DiffusionKit
import Testing

/// The fast schedules (`simd`, `parallel`, `temporal`) against the reference:
/// bit for bit, on every boundary, on odd shapes, in both precisions, on one
/// and two threads, from fields that reach the edges; and their thread team.
@Suite("Fast schedules")
struct FastScheduleTests {
    struct Shape: Sendable, CustomStringConvertible {
        let rows: Int
        let cols: Int
        var description: String { "\(rows)×\(cols)" }
    }

    static let shapes = [
        Shape(rows: 3, cols: 3), Shape(rows: 3, cols: 5), Shape(rows: 5, cols: 3),
        Shape(rows: 17, cols: 1000), Shape(rows: 333, cols: 517), Shape(rows: 1000, cols: 17),
        Shape(rows: 640, cols: 640),
    ]
    static let boundaries: [Boundary] = [.periodic, .reflecting, .fixed(0), .fixed(0.75)]

    /// Not a multiple of any automatic temporal depth for these shapes
    /// (4, 12, 15, 16), nor of the fixed depths below: every run ends with a
    /// shallower sweep.
    static let steps = 23

    /// Each schedule with the thread counts it is run with; `temporal` also
    /// with fixed depths, so that deep sweeps run on the tiny grids too (their
    /// automatic depth is 1), where periodic levels extend beyond the grid,
    /// and with narrow column tiles, which the automatic plan uses only for
    /// rows wider than the cache budget (thousands of cells).
    static let candidates: [(name: String, schedule: any Schedule, threads: [Int])] = [
        ("simd", SIMDSchedule(), [1]),
        ("parallel", ParallelSchedule(), [1, 2]),
        ("temporal", TemporalSchedule(), [1, 2]),
        ("temporal depth 5", TemporalSchedule(depth: 5), [1, 2]),
        ("temporal depth 9", TemporalSchedule(depth: 9), [2]),
        ("temporal tiles of 5", TemporalSchedule(depth: 6, tileWidth: 5), [1, 2]),
        ("temporal tiles of 40", TemporalSchedule(depth: 3, tileWidth: 40), [2]),
    ]

    @Test("match the reference bit for bit", arguments: shapes, boundaries)
    func bitIdentical(shape: Shape, boundary: Boundary) throws {
        try check(Double.self, shape: shape, boundary: boundary)
        try check(Float.self, shape: shape, boundary: boundary)
    }

    func check<Scalar: DiffusionScalar>(_: Scalar.Type, shape: Shape, boundary: Boundary) throws {
        let problem = Problem(
            rows: shape.rows, cols: shape.cols, dt: 0.24, boundary: boundary,
            precision: Scalar.precision)
        let initial = Self.randomField(Scalar.self, rows: shape.rows, cols: shape.cols, seed: UInt64(shape.rows * 7919 + shape.cols))
        var expected = initial
        try ReferenceSchedule().run(&expected, steps: Self.steps, problem: problem)
        for candidate in Self.candidates {
            for threads in candidate.threads {
                var grid = initial
                try candidate.schedule.run(&grid, steps: Self.steps, problem: problem, context: ExecutionContext(threads: threads))
                #expect(grid == expected, "\(candidate.name), \(threads) thread(s), \(Scalar.self): max difference \(FieldComparison.maxAbsDifference(grid, expected))")
            }
        }
    }

    @Test("0 steps and 1 step")
    func fewSteps() throws {
        let problem = Problem(rows: 19, cols: 37, dt: 0.2, boundary: .fixed(0.5))
        let initial = Self.randomField(Double.self, rows: 19, cols: 37, seed: 3)
        for steps in [0, 1, 2] {
            var expected = initial
            try ReferenceSchedule().run(&expected, steps: steps, problem: problem)
            for candidate in Self.candidates {
                var grid = initial
                try candidate.schedule.run(&grid, steps: steps, problem: problem, context: ExecutionContext(threads: 2))
                #expect(grid == expected, "\(candidate.name), \(steps) steps")
            }
        }
    }

    @Test("reproduce NumPy's golden field for the seed's workload to 1e-14")
    func golden() throws {
        let golden = try Fixture.load("golden_periodic_640x640_500")
        let initial = try Problem.seed.makeInitialGrid(Double.self)
        for candidate in Self.candidates.prefix(3) {
            for threads in candidate.threads {
                var grid = initial
                try candidate.schedule.run(&grid, steps: 500, problem: .seed, context: ExecutionContext(threads: threads))
                #expect(FieldComparison.maxAbsDifference(grid, golden) <= 1e-14, "\(candidate.name), \(threads) thread(s)")
            }
        }
    }

    @Test("are registered after the ladder, by name")
    func registered() throws {
        let names = ScheduleRegistry.distinct.map(\.descriptor.name)
        #expect(Array(names.suffix(3)) == ["simd", "parallel", "temporal"])
        #expect(try ScheduleRegistry.named("temporal").descriptor.isParallel)
        #expect(try !ScheduleRegistry.named("simd").descriptor.isParallel)
    }

    @Test("temporal plan: depth from the cache sizes, capped by band height and steps")
    func temporalPlan() {
        let two = ExecutionContext(threads: 2)
        let seed = TemporalPlan(rows: 640, cols: 640, scalarBytes: 8, steps: 500, context: two)
        #expect(seed.bands == [0 ..< 320, 320 ..< 640])
        #expect(seed.depth == TemporalPlan.cachedDepth && !seed.isTiled)
        let tiny = TemporalPlan(rows: 3, cols: 3, scalarBytes: 8, steps: 500, context: two)
        #expect(tiny.bands.count == 2 && tiny.depth == 1)
        let small = TemporalPlan(rows: 200, cols: 200, scalarBytes: 8, steps: 500)
        #expect(small.depth == 1)
        let short = TemporalPlan(rows: 640, cols: 640, scalarBytes: 8, steps: 3, context: two)
        #expect(short.depth == 3 && short.sweeps(steps: 3) == 1 && !short.isTiled)
        let wide = TemporalPlan(rows: 4096, cols: 4096, scalarBytes: 8, steps: 50, context: two)
        #expect(wide.depth == TemporalPlan.streamingDepth && wide.sweeps(steps: 50) == 4)
        #expect((0 ..< 4).map { wide.depth(ofSweep: $0, steps: 50) } == [13, 13, 12, 12])
        #expect(wide.isTiled && wide.tiles.first!.lowerBound == 0 && wide.tiles.last!.upperBound == 4096)
        #expect(zip(wide.tiles, wide.tiles.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound && $1.lowerBound % 16 == 0 })
        let narrow = TemporalPlan(rows: 3, cols: 3, scalarBytes: 8, steps: 9, depth: 5, tileWidth: 2)
        #expect(narrow.tiles == [0 ..< 1, 1 ..< 3] && narrow.ringRowWidth == 2 + 2 * 5)
        #expect(FastSupport.bands(rows: 17, members: 2) == [0 ..< 8, 8 ..< 17])
        #expect(FastSupport.bands(rows: 5, members: 3).map(\.count).reduce(0, +) == 5)
        #expect(FastSupport.members(context: two, rows: 3, cols: 3) == 2)
        #expect(FastSupport.members(context: ExecutionContext(threads: 8), rows: 5, cols: 100) == 5)
        #expect(FastSupport.members(context: .init(), rows: 64, cols: 64) == 1)
        #expect(FastSupport.parseSize("1024K") == 1 << 20 && FastSupport.parseSize("32M") == 32 << 20)
    }

    // MARK: Fields

    /// Uniform values in [0, 1) from SplitMix64: every cell, edges included, nonzero.
    static func randomField<Scalar: DiffusionScalar>(_: Scalar.Type, rows: Int, cols: Int, seed: UInt64) -> Grid<Scalar> {
        Grid(rows: rows, cols: cols, values: SplitMix64.unitIntervalValues(count: rows * cols, seed: seed).map { Scalar($0) })
    }
}

/// The thread team: reused across runs, shut down cleanly. Serialised, since
/// it counts threads process-wide.
@Suite("Thread team", .serialized)
struct ThreadTeamTests {
    /// Other suites run in parallel with this one and use the shared team of
    /// two: started here first, it adds no threads while a test counts them.
    init() {
        ThreadTeam.shared(size: 2).run { _ in }
    }

    @Test("every member runs, barriers separate phases")
    func barriers() {
        let team = ThreadTeam(size: 3)
        defer { team.shutdown() }
        let phases = 200
        // Each member writes its slot in phase p; after the barrier every
        // member checks all slots of phase p.
        let slots = UnsafeMutablePointer<Int>.allocate(capacity: 3 * phases)
        slots.initialize(repeating: -1, count: 3 * phases)
        defer { slots.deallocate() }
        let failures = UnsafeMutablePointer<Int>.allocate(capacity: 3)
        failures.initialize(repeating: 0, count: 3)
        defer { failures.deallocate() }
        team.run { member in
            for phase in 0 ..< phases {
                slots[phase * 3 + member] = phase
                team.barrier()
                for other in 0 ..< 3 where slots[phase * 3 + other] != phase { failures[member] += 1 }
            }
        }
        #expect(failures[0] + failures[1] + failures[2] == 0)
    }

    @Test("the shared team is reused across runs: no new threads")
    func reused() throws {
        let team = ThreadTeam.shared(size: 2)
        #expect(team === ThreadTeam.shared(size: 2))
        let problem = Problem(rows: 200, cols: 100, dt: 0.2, boundary: .periodic)
        var grid = try problem.makeInitialGrid(Double.self)
        try ParallelSchedule().run(&grid, steps: 3, problem: problem, context: ExecutionContext(threads: 2))
        let started = ThreadTeam.threadsStarted.load(ordering: .relaxed)
        for _ in 0 ..< 20 {
            try ParallelSchedule().run(&grid, steps: 3, problem: problem, context: ExecutionContext(threads: 2))
            try TemporalSchedule().run(&grid, steps: 7, problem: problem, context: ExecutionContext(threads: 2))
        }
        #expect(ThreadTeam.threadsStarted.load(ordering: .relaxed) == started)
        #expect(team.isRunning)
    }

    @Test("shutdown joins the threads; a later run starts them again")
    func shutdown() {
        let alive = ThreadTeam.threadsAlive.load(ordering: .relaxed)
        let team = ThreadTeam(size: 3)
        #expect(!team.isRunning)
        let lock = UnsafeMutablePointer<Int>.allocate(capacity: 3)
        defer { lock.deallocate() }
        team.run { member in lock[member] = member + 1 }
        #expect(lock[0] + lock[1] + lock[2] == 6)
        #expect(ThreadTeam.threadsAlive.load(ordering: .relaxed) == alive + 2)
        team.shutdown()
        #expect(!team.isRunning)
        #expect(ThreadTeam.threadsAlive.load(ordering: .relaxed) == alive)
        team.shutdown()  // idempotent
        team.run { member in lock[member] = 10 * member }
        #expect(lock[2] == 20)
        #expect(ThreadTeam.threadsAlive.load(ordering: .relaxed) == alive + 2)
        team.shutdown()
        #expect(ThreadTeam.threadsAlive.load(ordering: .relaxed) == alive)
    }

    @Test("dropping a team joins its threads")
    func deinitJoins() {
        let alive = ThreadTeam.threadsAlive.load(ordering: .relaxed)
        do {
            let team = ThreadTeam(size: 2)
            team.run { _ in team.barrier() }
            withExtendedLifetime(team) {
                #expect(ThreadTeam.threadsAlive.load(ordering: .relaxed) == alive + 1)
            }
        }
        #expect(ThreadTeam.threadsAlive.load(ordering: .relaxed) == alive)
    }

    @Test("concurrent runs on one team take turns and stay correct")
    func concurrentRuns() async throws {
        let problem = Problem(rows: 160, cols: 96, dt: 0.2, boundary: .reflecting, initial: .gaussian(width: 20))
        let initial = try problem.makeInitialGrid(Double.self)
        var expected = initial
        try ReferenceSchedule().run(&expected, steps: 40, problem: problem)
        let reference = expected
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0 ..< 8 {
                group.addTask {
                    var grid = initial
                    let schedule: any Schedule = index % 2 == 0 ? ParallelSchedule() : TemporalSchedule()
                    try schedule.run(&grid, steps: 40, problem: problem, context: ExecutionContext(threads: 2))
                    return grid == reference
                }
            }
            for try await same in group { #expect(same) }
        }
    }

    @Test("shutting down the shared teams is safe; the next run makes a new team")
    func sharedShutdown() throws {
        let problem = Problem(rows: 120, cols: 120, dt: 0.2, boundary: .fixed(1))
        let initial = try problem.makeInitialGrid(Float.self)
        var expected = initial
        try ReferenceSchedule().run(&expected, steps: 9, problem: problem)
        let before = ThreadTeam.shared(size: 2)
        ThreadTeam.shutdownShared()
        #expect(ThreadTeam.shared(size: 2) !== before)
        var grid = initial
        try ParallelSchedule().run(&grid, steps: 9, problem: problem, context: ExecutionContext(threads: 2))
        #expect(grid == expected)
    }
}
