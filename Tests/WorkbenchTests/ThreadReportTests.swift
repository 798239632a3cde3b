import DiffuseTestSupport
import DiffusionKit
import Hardware
import PerfKit
import Testing
@testable import Workbench

/// A parallel schedule that uses one thread on grids under 64 rows, as the
/// fast schedules cap their teams by the work there is, and says so.
private struct CappedSchedule: Schedule {
    var descriptor: ScheduleDescriptor {
        ScheduleDescriptor(name: "capped", seedCounterpart: "(a test)", lesson: "one thread on small grids", isParallel: true)
    }

    func threads(for problem: Problem, context: ExecutionContext) -> Int {
        problem.rows < 64 ? 1 : context.resolvedThreads
    }

    func advance(_ grid: inout Grid<Double>, steps: Int, problem: Problem, context: ExecutionContext) throws(DiffusionError) {
        ReferenceSchedule().advance(&grid, steps: steps, problem: problem, context: context)
    }

    func advance(_ grid: inout Grid<Float>, steps: Int, problem: Problem, context: ExecutionContext) throws(DiffusionError) {
        ReferenceSchedule().advance(&grid, steps: steps, problem: problem, context: context)
    }
}

/// Every report states the threads the schedule itself says it uses on the
/// workload (`threads(for:context:)`), not the threads asked for: on a small
/// grid a parallel schedule uses fewer.
@Suite("threads: stat, profile, sweep and bench report what the schedule used")
struct ThreadReportTests {
    /// Eight threads asked for, a grid of four rows.
    static let threads = 8
    static let problem = Problem(rows: 4, cols: 16, initial: .gaussian(width: 2))
    /// The machine every schedule plans for, here and in the runners: an
    /// explicit one, not the host.
    static let machine = TestMachines.zen4
    static let context = ExecutionContext(threads: threads, machine: machine)

    static func schedules() throws -> [any Schedule] {
        [CappedSchedule(), try ScheduleRegistry.named("parallel"), try ScheduleRegistry.named("fused")]
    }

    static func expected(_ schedule: any Schedule, _ problem: Problem = problem) -> Int {
        schedule.threads(for: problem, context: context)
    }

    @Test("the capped schedule's answer is not the request (so the checks below can fail)")
    func answersDiffer() {
        #expect(Self.expected(CappedSchedule()) == 1)
        #expect(CappedSchedule().threads(for: Self.problem, context: Self.context) != Self.context.resolvedThreads)
    }

    @Test("stat")
    func stat() throws {
        var plan = StatPlan(problem: Self.problem, iterations: 2, threads: Self.threads, repeats: 1, events: [.taskClock])
        plan.machine = Self.machine
        for schedule in try Self.schedules() {
            #expect(try StatRunner(plan: plan).stat(schedule).threads == Self.expected(schedule), "\(schedule.descriptor.name)")
        }
    }

    @Test("profile")
    func profile() throws {
        for schedule in try Self.schedules() {
            var profiler = PhaseProfiler(problem: Self.problem, iterations: 2, threads: Self.threads)
            profiler.machine = Self.machine
            let profile = try profiler.profile(schedule)
            #expect(profile.threads == Self.expected(schedule), "\(schedule.descriptor.name)")
        }
    }

    @Test("sweep: the most threads any point used")
    func sweep() throws {
        var plan = SweepPlan(problem: Self.problem, from: 4, to: 8, stepsPerOctave: 1, iterations: 2, threads: Self.threads)
        plan.machine = Self.machine
        for schedule in try Self.schedules() {
            let report = try SweepRunner(plan: plan, caches: []).run(schedule)
            let most = plan.sides.map { Self.expected(schedule, plan.problem(side: $0)) }.max()
            #expect(report.threads == most, "\(schedule.descriptor.name)")
        }
    }

    @Test("bench")
    func bench() throws {
        var plan = BenchPlan(problems: [Self.problem], iterations: 2, schedules: try Self.schedules(), budget: 0, minimumRuns: 1,
                             threads: Self.threads)
        plan.machine = Self.machine
        let report = try BenchRunner(plan: plan).run(machine: ReportFixture.machine, date: "2026-11-29")
        for result in report.workloads[0].results {
            let schedule = try #require(try Self.schedules().first { $0.descriptor.name == result.variant })
            #expect(result.threads == Self.expected(schedule), "\(result.variant)")
        }
    }
}
