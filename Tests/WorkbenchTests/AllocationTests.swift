import DiffuseTestSupport
import DiffusionKit
import PerfKit
import Testing
import Workbench

/// The seed's memory lessons, measured: which rungs allocate every step.
/// The test target links CAllocationCounter, so PerfKit counts every malloc.
///
/// Swift Testing runs suites in parallel in one process, so a process-wide
/// count would include what other tests allocate meanwhile: the bench runs
/// every schedule on one thread (`threads: 1`) and counts only that thread.
@Suite("Allocations per step")
struct AllocationTests {
    /// Steady-state heap allocations per step the bench measures for each schedule.
    static let expected: [String: Int] = [
        "reference": 0,
        "nested": 24 + 1,  // a new grid: rows arrays and the outer array
        "nested-scratch": 0,
        "whole-array": 11,  // every roll and every arithmetic operation
        "filter": 0,
        "in-place": 4,  // the four temporaries np.roll makes
        "roll-add": 0,
        "roll-add-blocked": 0,  // on one thread: no dispatch to the thread pool
        "fused": 0,
        "simd": 0,
        "parallel": 0,
        "temporal": 0,
        // Its allocations (the eigenvalue tables) are per run, not per step.
        "spectral": 0,
    ]

    @Test("nested allocates a new grid every step; the in-place rungs allocate nothing per step")
    func allocationsPerStep() throws {
        #expect(AllocationCounter.isAvailable)
        let problem = Problem(rows: 24, cols: 24, boundary: .reflecting, initial: .gaussian(width: 3))
        var plan = BenchPlan(problems: [problem], iterations: 10, schedules: ScheduleRegistry.distinct, budget: 0, minimumRuns: 1, threads: 1)
        plan.machine = TestMachines.zen4
        let report = try BenchRunner(plan: plan, meter: PerfKitRunMeter(scope: .callingThread)).run(machine: ReportFixture.machine, date: "")
        for result in report.workloads[0].results {
            // Without FFTW spectral is unsupported here; its own tests cover that.
            if result.variant == "spectral", SpectralSchedule().unavailability() != nil { continue }
            let expected = try #require(Self.expected[result.variant], "no expectation for \(result.variant)")
            #expect(result.verified, "\(result.variant)")
            #expect(result.allocationsPerStep == Double(expected), "\(result.variant): \(result.allocationsPerStep ?? -1) allocations per step")
        }
        #expect(Set(report.workloads[0].results.map(\.variant)) == Set(Self.expected.keys))
    }

    @Test("a schedule that plans differently for fewer steps is not charged its plan's allocations per step")
    func planSizedBySteps() throws {
        // On a 512 KiB-L2 machine, temporal on 40×1500 Double sweeps 2 steps
        // in whole rows but cuts 6 (or more) into tiles: measured on 2 and 6
        // steps, its plan's extra arrays showed as allocations per step.
        let problem = Problem(rows: 40, cols: 1500, boundary: .periodic, initial: .gaussian(width: 5))
        var plan = BenchPlan(problems: [problem], iterations: 10, schedules: [TemporalSchedule()], budget: 0, minimumRuns: 1, threads: 1)
        plan.machine = TestMachines.zen3
        let report = try BenchRunner(plan: plan, meter: PerfKitRunMeter(scope: .callingThread)).run(machine: ReportFixture.machine, date: "")
        let temporal = try #require(report.workloads[0].results.first)
        #expect(temporal.verified && temporal.allocationsPerStep == 0, "\(temporal.allocationsPerStep ?? -1) allocations per step")
    }
}
