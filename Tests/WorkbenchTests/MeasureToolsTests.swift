import DiffuseTestSupport
import DiffusionKit
import Hardware
import PerfKit
import Testing
@testable import Workbench

/// A schedule that does no arithmetic, only phases: per step "prepare"
/// (holding a nested "inner") and "finish", plus some time outside them.
private struct PhasedSchedule: Schedule {
    var descriptor: ScheduleDescriptor {
        ScheduleDescriptor(name: "phased", seedCounterpart: "(a test)", lesson: "reports nested phases")
    }

    func advance(_ grid: inout Grid<Double>, steps: Int, problem: Problem, context: ExecutionContext) { work(steps, context) }
    func advance(_ grid: inout Grid<Float>, steps: Int, problem: Problem, context: ExecutionContext) { work(steps, context) }

    private func work(_ steps: Int, _ context: ExecutionContext) {
        spin(cpuMilliseconds: 0.2)  // outside every phase
        for _ in 0 ..< steps {
            context.phase("prepare") {
                spin(cpuMilliseconds: 0.05)
                context.phase("inner") { spin(cpuMilliseconds: 0.1) }
            }
            context.phase("finish") { spin(cpuMilliseconds: 0.1) }
        }
    }
}

/// A schedule that leaves the first row unchanged: wrong for every problem.
private struct WrongSchedule: Schedule {
    var descriptor: ScheduleDescriptor {
        ScheduleDescriptor(name: "wrong", seedCounterpart: "(a test)", lesson: "forgets the first row")
    }

    func advance(_ grid: inout Grid<Double>, steps: Int, problem: Problem, context: ExecutionContext) throws(DiffusionError) {
        try corrupt(&grid, steps, problem)
    }

    func advance(_ grid: inout Grid<Float>, steps: Int, problem: Problem, context: ExecutionContext) throws(DiffusionError) {
        try corrupt(&grid, steps, problem)
    }

    private func corrupt<Scalar: DiffusionScalar>(_ grid: inout Grid<Scalar>, _ steps: Int, _ problem: Problem) throws(DiffusionError) {
        let firstRow = (0 ..< grid.cols).map { grid[0, $0] }
        try ReferenceSchedule().run(&grid, steps: steps, problem: problem)
        for j in 0 ..< grid.cols { grid[0, j] = firstRow[j] }
    }
}

@Suite("profile: the phase recorder and its table")
struct PhaseProfilerTests {
    static let problem = Problem(rows: 12, cols: 10, initial: .gaussian(width: 2))

    /// A profiler that plans for an explicit machine, not the host.
    static func profiler(iterations: Int) -> PhaseProfiler {
        var profiler = PhaseProfiler(problem: problem, iterations: iterations)
        profiler.machine = TestMachines.zen4
        return profiler
    }

    @Test("phases become regions under the run; the top-level percentages add up to exactly 100")
    func nestedPhases() throws {
        let profile = try Self.profiler(iterations: 5).profile(PhasedSchedule())
        let rows = profile.report.rows
        #expect(rows.map(\.path) == [["prepare"], ["prepare", "inner"], ["finish"], [PhaseProfiler.outsideRegion]])
        #expect(rows.map(\.hits) == [5, 5, 5, 1])
        let topLevel = rows.filter { $0.depth == 0 }
        #expect(abs(topLevel.map(\.percentOfTotal).reduce(0, +) - 100) < 1e-9)
        #expect(abs(topLevel.map(\.totalSeconds).reduce(0, +) - profile.report.totalSeconds) < 1e-9)
        // 200 µs of the ~1.45 ms run is outside the phases.
        #expect(rows[3].totalSeconds >= 150e-6)
        #expect(rows[1].totalSeconds <= rows[0].totalSeconds)
        let text = profile.render()
        #expect(text.hasPrefix("Timer unit: 1e-06 s\n\nTotal time: "))
        #expect(text.contains("Schedule: phased (a test); 12×10, 5 steps"))
        #expect(text.contains("     Hits         Time  Per Hit   % Time  Region"))
        #expect(text.contains("  inner\n"))
    }

    @Test("a ladder schedule's phases, from DiffusionKit, through the recorder", arguments: ["in-place", "nested", "fused"])
    func ladderPhases(name: String) throws {
        let profile = try Self.profiler(iterations: 4).profile(try ScheduleRegistry.named(name))
        let rows = profile.report.rows
        #expect(rows.count >= 2)
        #expect(rows.last?.name == PhaseProfiler.outsideRegion)
        let sum = rows.filter { $0.depth == 0 }.map(\.percentOfTotal).reduce(0, +)
        #expect(abs(sum - 100) < 1e-9)
        if name == "in-place" {
            #expect(Set(rows.map(\.name)).isSuperset(of: ["copy", "roll", "add roll", "scale D·dt", "add grid"]))
            #expect(rows.first { $0.name == "roll" }?.hits == 16)
        }
    }

    @Test("the run's own time becomes \"(outside phases)\"")
    func phaseReportArithmetic() {
        let raw = RegionReport(totalSeconds: 10, rows: [
            .init(name: "run", path: ["run"], hits: 1, totalSeconds: 10, selfSeconds: 3, percentOfTotal: 100),
            .init(name: "a", path: ["run", "a"], hits: 4, totalSeconds: 4, selfSeconds: 3, percentOfTotal: 40),
            .init(name: "b", path: ["run", "a", "b"], hits: 4, totalSeconds: 1, selfSeconds: 1, percentOfTotal: 10),
            .init(name: "c", path: ["run", "c"], hits: 2, totalSeconds: 3, selfSeconds: 3, percentOfTotal: 30),
        ])
        let report = PhaseProfiler.phaseReport(fromRun: raw)
        #expect(report.totalSeconds == 10)
        #expect(report.rows.map(\.path) == [["a"], ["a", "b"], ["c"], ["(outside phases)"]])
        #expect(report.rows.map(\.percentOfTotal) == [40, 10, 30, 30])
        #expect(report.rows[3].totalSeconds == 3 && report.rows[3].hits == 1)
    }

    @Test("largest-remainder rounding keeps the tenths adding up to the total")
    func rounding() {
        #expect(PhaseProfiler.roundedToTotal([100.0 / 3, 100.0 / 3, 100.0 / 3], total: 100) == [33.4, 33.3, 33.3])
        let parts = [12.34, 0.04, 0.04, 0.04, 87.54]
        let rounded = PhaseProfiler.roundedToTotal(parts, total: 100)
        #expect(Int((rounded.reduce(0, +) * 10).rounded()) == 1000)
        #expect(zip(parts, rounded).allSatisfy { abs($0 - $1) < 0.1 })
        #expect(PhaseProfiler.roundedToTotal([0, 0], total: 0) == [0, 0])
    }
}

@Suite("sweep: sizes and cache levels")
struct SweepTests {
    static let caches = [
        CacheInfo(level: 1, type: "Data", sizeBytes: 32 << 10),
        CacheInfo(level: 1, type: "Instruction", sizeBytes: 32 << 10),
        CacheInfo(level: 2, type: "Unified", sizeBytes: 1 << 20),
        CacheInfo(level: 3, type: "Unified", sizeBytes: 32 << 20),
    ]

    @Test("the working set is two grids; it fits where it is no larger than one instance")
    func classification() {
        func level(_ side: Int, _ bytes: Int = 8) -> String {
            CacheLevel.classify(workingSetBytes: CacheLevel.workingSetBytes(rows: side, cols: side, bytesPerCell: bytes), caches: Self.caches)
        }
        #expect(CacheLevel.workingSetBytes(rows: 640, cols: 640, bytesPerCell: 8) == 6_553_600)
        #expect(level(45) == "L1d")      // 32,400 B ≤ 32 KiB
        #expect(level(46) == "L2")       // 33,856 B
        #expect(level(256) == "L2")      // exactly 1 MiB
        #expect(level(257) == "L3")
        #expect(level(1448) == "L3")     // 33,547,264 B ≤ 32 MiB
        #expect(level(1449) == "DRAM")
        #expect(level(2048, 4) == "L3" && level(2049, 4) == "DRAM")  // floats: 2048² × 4 B × 2 = 32 MiB
        #expect(CacheLevel.classify(workingSetBytes: 1, caches: []) == "DRAM")
        // The boundaries are where `diffuse info`'s cache fit says they are.
        for cache in Self.caches where cache.type != "Instruction" {
            #expect(level(cache.largestSquareGrid) == cache.name)
            #expect(level(cache.largestSquareGrid + 1) != cache.name)
        }
    }

    @Test("sides grow geometrically and end at --to")
    func sides() {
        let problem = Problem(rows: 64, cols: 64)
        #expect(SweepPlan(problem: problem).sides == [64, 91, 128, 181, 256, 362, 512, 724, 1024, 1448, 2048, 2896, 4096])
        #expect(SweepPlan(problem: problem, from: 100, to: 300, stepsPerOctave: 1).sides == [100, 200, 300])
        #expect(SweepPlan(problem: problem, from: 3, to: 6, stepsPerOctave: 16).sides == [3, 4, 5, 6])
        #expect(SweepPlan(problem: problem, from: 50, to: 50).sides == [50])
    }

    @Test("a sweep verifies and classifies every point")
    func run() throws {
        var plan = SweepPlan(problem: Problem(rows: 8, cols: 8), from: 8, to: 64, stepsPerOctave: 1, iterations: 4)
        plan.machine = TestMachines.zen4
        let report = try SweepRunner(plan: plan, caches: Self.caches).run(try ScheduleRegistry.named("fused"))
        #expect(report.points.map(\.rows) == [8, 16, 32, 64])
        #expect(report.points.allSatisfy { $0.maxAbsError <= $0.tolerance && $0.iterations == 4 && $0.updatesPerSecond > 0 })
        #expect(report.points.map(\.cacheLevel) == ["L1d", "L1d", "L1d", "L2"])  // 64² × 16 B = 64 KiB
        #expect(throws: GateFailure.self) {
            try SweepRunner(plan: plan, caches: Self.caches).run(WrongSchedule())
        }
    }
}

@Suite("stat: the gate and the counts")
struct StatRunnerTests {
    static let plan = {
        var plan = StatPlan(problem: Problem(rows: 16, cols: 20, initial: .gaussian(width: 3)), iterations: 6, repeats: 2,
                            events: [.taskClock, .pageFaults, .cycles])
        plan.machine = TestMachines.zen4
        return plan
    }()

    @Test("a verified schedule gets perf stat's report, software events counted")
    func verified() throws {
        let result = try StatRunner(plan: Self.plan).stat(try ScheduleRegistry.named("fused"))
        #expect(result.variant == "fused" && result.maxAbsError == 0)
        #expect(result.report.repeats == 2)
        #expect(result.report[.taskClock]?.status == .counted)
        #expect(result.report[.taskClock]?.samples.count == 2)
        #expect(result.text.contains("Performance counter stats for 'fused, 16×20, 6 steps' (2 runs)"))
    }

    @Test("a wrong schedule fails the gate before anything is counted")
    func gate() throws {
        #expect(throws: GateFailure.self) { try StatRunner(plan: Self.plan).stat(WrongSchedule()) }
        let comparison = try StatRunner(plan: Self.plan).compare([WrongSchedule(), ReferenceSchedule()])
        #expect(comparison.rows.map(\.status) == [.failed, .verified])
        #expect(comparison.rows[0].elapsedSeconds == nil && comparison.rows[1].elapsedSeconds != nil)
        #expect(comparison.text.contains("FAILED"))
    }

    /// Counted by page faults, not time: the set-up faults in 1024 fresh
    /// pages, the run none, so each run's count stays far below 1024 while
    /// the same pages touched in a run are counted (perf events or getrusage,
    /// on this thread only, whatever else the machine does).
    @Test("PerfStat's set-up runs before each counted run, outside the counts")
    func setUpIsNotCounted() throws {
        var order: [String] = []
        let stat = PerfStat(events: [.pageFaults], repeats: 3, scope: .callingThread)
        let report = try stat.measure("x", setUp: {
            order.append("set-up")
            touchFreshPages(1024)
        }) {
            order.append("run")
        }
        #expect(order == ["set-up", "run", "set-up", "run", "set-up", "run"])
        let outside = try #require(report[.pageFaults]).samples
        #expect(outside.count == 3 && outside.allSatisfy { $0 < 512 }, "\(outside)")

        let inside = try #require(try stat.measure("y") { touchFreshPages(1024) }[.pageFaults]).samples
        #expect(inside.count == 3 && inside.allSatisfy { $0 >= 1024 }, "\(inside)")
    }
}

@Suite("micro: the norm-square family and loop hoisting")
struct MicroTests {
    @Test("every norm implementation gives 332,833,500 for 0 ..< 1000", arguments: [1000, 1003, 31, 1])
    func norms(length: Int) {
        let vector = (0 ..< length).map(Double.init)
        let expected = NormSquare.exactSumOfSquares(below: length)
        if length == 1000 { #expect(expected == 332_833_500) }
        let values = [
            NormSquare.forLoop(vector), NormSquare.reduce(vector), NormSquare.lazyMapReduce(vector),
            NormSquare.contiguousArray(ContiguousArray(vector)), NormSquare.unsafeBuffer(vector),
            NormSquare.simd(vector), NormSquare.dot(vector),
        ]
        #expect(values.allSatisfy { $0 == expected }, "\(values)")
    }

    @Test("on a million elements the sums round differently but agree within the summation bound")
    func largeVector() throws {
        let report = try NormBenchmark(length: 1_000_000, timeit: Timeit(repeats: 1, loops: 1)).run()
        #expect(report.results.count == 7)
        #expect(report.tolerance == 1_000_000 * Double.ulpOfOne)
        #expect(report.agree, "\(report.largestRelativeDifference)")
        // Partial sums pass 2^53 early, so every form is rounded, none far off.
        for result in report.results {
            #expect(abs(result.value - report.expected) / report.expected < 1e-11)
        }
        #expect(try NormBenchmark(length: 1000, timeit: Timeit(repeats: 1, loops: 1)).run().tolerance == 1e-12)
    }

    @Test("loop_slow and loop_fast compute the same sum")
    func loops() throws {
        let report = try LoopBenchmark(iterations: 10_000, timeit: Timeit(repeats: 1, loops: 1)).run()
        #expect(report.agree)
        #expect(abs(LoopHoisting.slow(0)) == 0 && LoopHoisting.fast(1) == 0)
        #expect(report.text.contains("loop_slow takes"))
    }
}
