import DiffuseTestSupport
import DiffusionKit
import Foundation
import PerfKit
import Testing
@testable import Workbench

/// A schedule that is deliberately wrong: it forgets the boundary by leaving
/// the first row unchanged. The bench must catch it.
private struct BrokenSchedule: Schedule {
    var descriptor: ScheduleDescriptor {
        ScheduleDescriptor(name: "broken", seedCounterpart: "(a test)", lesson: "forgets to update the first row")
    }

    func advance(_ grid: inout Grid<Double>, steps: Int, problem: Problem, context: ExecutionContext) throws(DiffusionError) {
        try corrupt(&grid, steps: steps, problem: problem)
    }

    func advance(_ grid: inout Grid<Float>, steps: Int, problem: Problem, context: ExecutionContext) throws(DiffusionError) {
        try corrupt(&grid, steps: steps, problem: problem)
    }

    private func corrupt<Scalar: DiffusionScalar>(_ grid: inout Grid<Scalar>, steps: Int, problem: Problem) throws(DiffusionError) {
        let firstRow = (0 ..< grid.cols).map { grid[0, $0] }
        try ReferenceSchedule().run(&grid, steps: steps, problem: problem)
        for j in 0 ..< grid.cols { grid[0, j] = firstRow[j] }
    }
}

/// A schedule that refuses every problem (also used by WorkloadTests).
struct PickySchedule: Schedule {
    var descriptor: ScheduleDescriptor {
        ScheduleDescriptor(name: "picky", seedCounterpart: "(a test)", lesson: "supports nothing", supports: "nothing")
    }

    func limitation(for problem: Problem) -> String? { "it supports nothing" }
    func advance(_ grid: inout Grid<Double>, steps: Int, problem: Problem, context: ExecutionContext) {}
    func advance(_ grid: inout Grid<Float>, steps: Int, problem: Problem, context: ExecutionContext) {}
}

/// The reference's steps, logged by name in a shared log on every run; from
/// run `wrongFrom` on (counting from 1) it forgets the first row, as a
/// schedule with a race might once its warm-up has passed.
private final class LoggingSchedule: Schedule, @unchecked Sendable {
    let name: String
    let log: RunLog
    let wrongFrom: Int?
    private var runs = 0

    init(_ name: String, log: RunLog, wrongFrom: Int? = nil) {
        self.name = name
        self.log = log
        self.wrongFrom = wrongFrom
    }

    var descriptor: ScheduleDescriptor {
        ScheduleDescriptor(name: name, seedCounterpart: "(a test)", lesson: "logs its runs")
    }

    func advance(_ grid: inout Grid<Double>, steps: Int, problem: Problem, context: ExecutionContext) throws(DiffusionError) {
        try step(&grid, steps: steps, problem: problem)
    }

    func advance(_ grid: inout Grid<Float>, steps: Int, problem: Problem, context: ExecutionContext) throws(DiffusionError) {
        try step(&grid, steps: steps, problem: problem)
    }

    private func step<Scalar: DiffusionScalar>(_ grid: inout Grid<Scalar>, steps: Int, problem: Problem) throws(DiffusionError) {
        runs += 1
        log.names.append(name)
        let firstRow = (0 ..< grid.cols).map { grid[0, $0] }
        try ReferenceSchedule().run(&grid, steps: steps, problem: problem)
        if let wrongFrom, runs >= wrongFrom {
            for j in 0 ..< grid.cols { grid[0, j] = firstRow[j] }
        }
    }
}

private final class RunLog: @unchecked Sendable {
    var names: [String] = []
}

/// A meter that counts its runs and reports fixed costs.
private struct FixedMeter: RunMeter {
    func measure(_ body: () throws -> Void) throws -> RunCost {
        try body()
        return RunCost(allocations: 40, pageFaults: 3)
    }
}

@Suite("diffuse bench: the timing protocol, the gate, the report")
struct BenchRunnerTests {
    static let problem = Problem(rows: 16, cols: 24, dt: 0.2, boundary: .reflecting, initial: .gaussian(width: 3))

    static func report(schedules: [any Schedule], problems: [Problem] = [problem], iterations: Int = 20) throws -> BenchReport {
        var plan = BenchPlan(problems: problems, iterations: iterations, schedules: schedules, budget: 0.01, minimumRuns: 3)
        plan.machine = TestMachines.zen4
        return try BenchRunner(plan: plan, meter: FixedMeter()).run(machine: ReportFixture.machine, date: "2026-11-26")
    }

    @Test("a deliberately broken schedule is FAILED, shown with its error, never timed or ranked")
    func brokenScheduleFails() throws {
        let report = try Self.report(schedules: [BrokenSchedule(), ReferenceSchedule(), PickySchedule()])
        let results = report.workloads[0].results
        #expect(results.map(\.variant) == ["reference", "broken", "picky"])
        let broken = try #require(results.first { $0.variant == "broken" })
        #expect(broken.status == .failed && !broken.verified && !broken.isRanked)
        #expect(broken.bestSeconds == nil && broken.times.isEmpty)
        #expect((broken.maxAbsError ?? 0) > (broken.tolerance ?? 1))
        #expect(broken.reason?.contains("exceeds the gate") == true)
        let picky = try #require(results.first { $0.variant == "picky" })
        #expect(picky.status == .unsupported && picky.reason == "it supports nothing")
        let text = try BenchFormatter.render(report, as: .table)
        #expect(text.contains("FAILED broken: max |error|"))
        // The ranked table gives the broken schedule no rank.
        let brokenLine = try #require(text.split(separator: "\n").first { $0.contains(" broken ") })
        #expect(brokenLine.hasPrefix("   –") || brokenLine.hasPrefix("–"))
    }

    @Test("verified schedules get at least the minimum runs, best ≤ median, throughput and costs")
    func timingProtocol() throws {
        let report = try Self.report(schedules: [ReferenceSchedule()])
        let reference = report.workloads[0].results[0]
        #expect(reference.status == .verified && reference.maxAbsError == 0)
        #expect(reference.runs >= 3 && reference.times.count == reference.runs)
        let best = try #require(reference.bestSeconds), median = try #require(reference.medianSeconds)
        #expect(best <= median && best == reference.times.min())
        #expect(reference.perIterationSeconds == best / 20)
        #expect(abs((reference.updatesPerSecond ?? 0) - 16 * 24 * 20 / best) < 1e-6 * (reference.updatesPerSecond ?? 1))
        // The fixed meter reports 40 allocations for every run, so none are per step.
        #expect(reference.allocationsPerStep == 0 && reference.allocationsPerRun == 40 && reference.pageFaultsPerRun == 3)
        #expect(reference.speedup == nil)  // nested did not run
    }

    @Test("the verified schedules are timed in turns, after every warm-up; each keeps its own minimum runs")
    func timedInTurns() throws {
        let log = RunLog()
        var plan = BenchPlan(problems: [Self.problem], iterations: 5,
                             schedules: [LoggingSchedule("a", log: log), PickySchedule(), LoggingSchedule("b", log: log)],
                             budget: 0, minimumRuns: 3)
        plan.machine = TestMachines.zen4
        let report = try BenchRunner(plan: plan, meter: FixedMeter()).run(machine: ReportFixture.machine, date: "2026-12-04")
        // Warm-ups (with the gate) first, one each; then a and b alternate;
        // then each one's allocation count (the meter's four runs).
        #expect(log.names == ["a", "b", "a", "b", "a", "b", "a", "b", "a", "a", "a", "a", "b", "b", "b", "b"])
        let results = report.workloads[0].results
        #expect(results.filter { $0.variant != "picky" }.allSatisfy { $0.status == .verified && $0.runs == 3 })
    }

    @Test("a schedule whose timed run leaves the gate after its warm-up passed is FAILED (a race?); the others are timed")
    func timedRunChecked() throws {
        let log = RunLog()
        var plan = BenchPlan(problems: [Self.problem], iterations: 5,
                             schedules: [LoggingSchedule("racy", log: log, wrongFrom: 3), LoggingSchedule("fine", log: log)],
                             budget: 0, minimumRuns: 4)
        plan.machine = TestMachines.zen4
        let report = try BenchRunner(plan: plan, meter: FixedMeter()).run(machine: ReportFixture.machine, date: "2026-12-04")
        let results = report.workloads[0].results
        let racy = try #require(results.first { $0.variant == "racy" })
        #expect(racy.status == .failed && !racy.isRanked && racy.bestSeconds == nil)
        #expect(racy.reason?.contains("a race?") == true)
        // It stopped at its failing run (warm-up, one good timed run, the bad one).
        #expect(log.names.filter { $0 == "racy" }.count == 3)
        let fine = try #require(results.first { $0.variant == "fine" })
        #expect(fine.status == .verified && fine.runs == 4)
    }

    @Test("speedups are over nested, the seed's pure Python")
    func speedups() throws {
        let nested = try ScheduleRegistry.named("nested")
        let report = try Self.report(schedules: [nested, ReferenceSchedule()])
        let results = report.workloads[0].results
        let baseline = try #require(results.first { $0.variant == "nested" })
        #expect(baseline.speedup == 1)
        for result in results {
            #expect(result.speedup == baseline.bestSeconds! / result.bestSeconds!)
        }
    }

    @Test("JSON has the documented keys")
    func jsonKeys() throws {
        let report = try Self.report(schedules: [ReferenceSchedule(), BrokenSchedule()])
        let text = try BenchFormatter.render(report, as: .json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["machine"] is [String: Any])
        let workloads = try #require(object["workloads"] as? [[String: Any]])
        let workload = try #require(workloads.first?["workload"] as? [String: Any])
        for key in ["rows", "cols", "iterations", "boundary", "precision", "diffusivity", "dt", "dx"] {
            #expect(workload[key] != nil, "workload lacks \(key)")
        }
        let results = try #require(workloads.first?["results"] as? [[String: Any]])
        let verified = try #require(results.first { $0["variant"] as? String == "reference" })
        for key in ["variant", "kind", "seed_counterpart", "best_s", "median_s", "runs", "per_iteration_s",
                    "updates_per_s", "max_abs_error", "verified"] {
            #expect(verified[key] != nil, "result lacks \(key)")
        }
        #expect(verified["kind"] as? String == "swift" && verified["verified"] as? Bool == true)
        let failed = try #require(results.first { $0["variant"] as? String == "broken" })
        #expect(failed["verified"] as? Bool == false && failed["status"] as? String == "failed")
    }

    @Test("CSV has a header and one parsable line per entry")
    func csv() throws {
        let report = try Self.report(schedules: [ReferenceSchedule(), BrokenSchedule()])
        let lines = try BenchFormatter.render(report, as: .csv).split(separator: "\r\n")
        #expect(lines.count == 3)
        let header = lines[0].split(separator: ",").map(String.init)
        #expect(header.contains("best_s") && header.contains("variant") && header.contains("verified"))
        let first = lines[1].split(separator: ",", omittingEmptySubsequences: false)
        #expect(first.count == header.count)
        #expect(Double(first[header.firstIndex(of: "best_s")!]) != nil)
    }

    @Test("markdown is a table per workload")
    func markdown() throws {
        let report = try Self.report(schedules: [ReferenceSchedule()])
        let text = try BenchFormatter.render(report, as: .markdown)
        #expect(text.contains("### Wrap Up — 16×24, 20 steps, reflecting"))
        #expect(text.contains("| rank | variant |"))
        #expect(text.contains("| ---: | --- |"))
    }

    @Test("several sizes give the seed's runtime | speedup table")
    func sizesTable() throws {
        var small = Self.problem
        (small.rows, small.cols) = (8, 8)
        let nested = try ScheduleRegistry.named("nested")
        let report = try Self.report(schedules: [nested, ReferenceSchedule()], problems: [small, Self.problem])
        let text = try BenchFormatter.render(report, as: .table)
        #expect(text.contains("8² runtime") && text.contains("8² speedup") && text.contains("16×24 runtime"))
        #expect(report.workloads.count == 2)
    }
}
