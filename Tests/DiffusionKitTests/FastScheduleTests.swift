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

    /// A prime: for every depth from 2 to 22 (the automatic 8 and 16, a
    /// quarter of a short band, the fixed 3, 5, 6 and 9 below) the steps do
    /// not divide evenly, so every blocked run has sweeps of two depths.
    static let steps = 23

    /// Each schedule with the thread counts it is run with; `temporal` also
    /// with fixed depths, so that deep sweeps run on the tiny grids too (their
    /// automatic depth is 1), where periodic levels extend beyond the grid,
    /// and with narrow column tiles, which the automatic plan uses only for
    /// rows wider than the cache budget (thousands of cells); under periodic,
    /// the edge tiles read level 0 from a gathered copy near the grid's edge
    /// and in place elsewhere (`levelOneSplit`).
    static let candidates: [(name: String, schedule: any Schedule, threads: [Int])] = [
        ("simd", SIMDSchedule(), [1]),
        ("parallel", ParallelSchedule(), [1, 2]),
        ("temporal", TemporalSchedule(), [1, 2]),
        ("temporal depth 5", TemporalSchedule(depth: 5), [1, 2]),
        ("temporal depth 9", TemporalSchedule(depth: 9), [2]),
        ("temporal tiles of 5", TemporalSchedule(depth: 6, tileWidth: 5), [1, 2]),
        ("temporal tiles of 40", TemporalSchedule(depth: 3, tileWidth: 40), [2]),
        // One sweep of all 23 steps: the periodic halos (22 columns) reach
        // past the 16 columns the edge tiles gather beside the grid's edge.
        ("temporal tiles of 64, depth 23", TemporalSchedule(depth: 23, tileWidth: 64), [2]),
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
                try candidate.schedule.run(&grid, steps: Self.steps, problem: problem, context: ExecutionContext(threads: threads, machine: TestMachines.zen4))
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
                try candidate.schedule.run(&grid, steps: steps, problem: problem, context: ExecutionContext(threads: 2, machine: TestMachines.zen4))
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
                try candidate.schedule.run(&grid, steps: 500, problem: .seed, context: ExecutionContext(threads: threads, machine: TestMachines.zen4))
                #expect(FieldComparison.maxAbsDifference(grid, golden) <= 1e-14, "\(candidate.name), \(threads) thread(s)")
            }
        }
    }

    @Test("are registered after the ladder, by name")
    func registered() throws {
        let names = ScheduleRegistry.distinct.map(\.descriptor.name)
        // The fast schedules, then spectral (which does not step).
        #expect(Array(names.suffix(4)) == ["simd", "parallel", "temporal", "spectral"])
        #expect(try ScheduleRegistry.named("temporal").descriptor.isParallel)
        #expect(try !ScheduleRegistry.named("simd").descriptor.isParallel)
    }

    @Test("temporal plan: band splits, depth capped by band height and steps, explicit tiles")
    func temporalPlan() {
        let two = ExecutionContext(threads: 2, machine: TestMachines.zen4)
        let tiny = TemporalPlan(rows: 3, cols: 3, scalarBytes: 8, steps: 500, context: two)
        #expect(tiny.bands.count == 2 && tiny.depth == 1)
        let short = TemporalPlan(rows: 640, cols: 640, scalarBytes: 8, steps: 3, context: two)
        #expect(short.depth == 3 && short.sweeps(steps: 3) == 1 && !short.isTiled)
        let wide = TemporalPlan(rows: 4096, cols: 4096, scalarBytes: 8, steps: 50, context: two)
        #expect((0 ..< 3).map { wide.depth(ofSweep: $0, steps: 50) } == [17, 17, 16])
        let shallow = TemporalPlan(rows: 4096, cols: 4096, scalarBytes: 8, steps: 50, context: two, depth: 16)
        #expect((0 ..< 4).map { shallow.depth(ofSweep: $0, steps: 50) } == [13, 13, 12, 12])
        let narrow = TemporalPlan(rows: 3, cols: 3, scalarBytes: 8, steps: 9, context: two, depth: 5, tileWidth: 2)
        #expect(narrow.tiles == [0 ..< 1, 1 ..< 3] && narrow.ringRowWidth == 2 + 2 * 5)
        #expect(FastSupport.bands(rows: 17, members: 2) == [0 ..< 8, 8 ..< 17])
        #expect(FastSupport.bands(rows: 5, members: 3).map(\.count).reduce(0, +) == 5)
        #expect(FastSupport.members(context: two, rows: 3, cols: 3) == 2)
        #expect(FastSupport.members(context: ExecutionContext(threads: 8, machine: TestMachines.zen4), rows: 5, cols: 100) == 5)
        #expect(FastSupport.members(context: ExecutionContext(machine: TestMachines.zen4), rows: 64, cols: 64) == 1)
    }

    // MARK: Fields

    /// Uniform values in [0, 1) from SplitMix64: every cell, edges included, nonzero.
    static func randomField<Scalar: DiffusionScalar>(_: Scalar.Type, rows: Int, cols: Int, seed: UInt64) -> Grid<Scalar> {
        Grid(rows: rows, cols: cols, values: SplitMix64.unitIntervalValues(count: rows * cols, seed: seed).map { Scalar($0) })
    }
}

/// The thread team: reused across runs, shut down cleanly. Threads are
/// counted per team (`ThreadTeam.counters`); the tests that replace the
/// shared teams run in `ThreadTeamState`, one at a time.
extension ThreadTeamState {
    @Suite("Thread team")
    struct ThreadTeamTests {
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
            try ParallelSchedule().run(&grid, steps: 3, problem: problem, context: ExecutionContext(threads: 2, machine: TestMachines.zen4))
            let started = team.counters.started.load(ordering: .relaxed)
            for _ in 0 ..< 20 {
                try ParallelSchedule().run(&grid, steps: 3, problem: problem, context: ExecutionContext(threads: 2, machine: TestMachines.zen4))
                try TemporalSchedule().run(&grid, steps: 7, problem: problem, context: ExecutionContext(threads: 2, machine: TestMachines.zen4))
            }
            #expect(team.counters.started.load(ordering: .relaxed) == started)
            #expect(ThreadTeam.shared(size: 2) === team && team.isRunning)
        }

        @Test("shutdown joins the threads; a later run starts them again")
        func shutdown() {
            let team = ThreadTeam(size: 3)
            let counters = team.counters
            #expect(!team.isRunning && counters.alive.load(ordering: .relaxed) == 0)
            let lock = UnsafeMutablePointer<Int>.allocate(capacity: 3)
            defer { lock.deallocate() }
            team.run { member in lock[member] = member + 1 }
            #expect(lock[0] + lock[1] + lock[2] == 6)
            #expect(counters.alive.load(ordering: .relaxed) == 2)
            team.shutdown()
            #expect(!team.isRunning)
            #expect(counters.alive.load(ordering: .relaxed) == 0)
            team.shutdown()  // idempotent
            team.run { member in lock[member] = 10 * member }
            #expect(lock[2] == 20)
            #expect(counters.alive.load(ordering: .relaxed) == 2)
            #expect(counters.started.load(ordering: .relaxed) == 4)
            team.shutdown()
            #expect(counters.alive.load(ordering: .relaxed) == 0)
        }

        @Test("dropping a team joins its threads")
        func deinitJoins() {
            let counters: TeamCounters
            do {
                let team = ThreadTeam(size: 2)
                counters = team.counters
                team.run { _ in team.barrier() }
                withExtendedLifetime(team) {
                    #expect(counters.alive.load(ordering: .relaxed) == 1)
                }
            }
            #expect(counters.alive.load(ordering: .relaxed) == 0)
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
                        try schedule.run(&grid, steps: 40, problem: problem, context: ExecutionContext(threads: 2, machine: TestMachines.zen4))
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
            try ParallelSchedule().run(&grid, steps: 9, problem: problem, context: ExecutionContext(threads: 2, machine: TestMachines.zen4))
            #expect(grid == expected)
        }
    }
}
