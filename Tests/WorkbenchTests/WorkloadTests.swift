import DiffusionKit
import Synchronization
import Testing
@testable import Workbench

/// How many times a `CountingReference` has stepped a grid.
private final class RunCount: Sendable {
    let value = Mutex(0)
}

/// The reference schedule, counting its runs.
private struct CountingReference: Schedule {
    let runs: RunCount

    var descriptor: ScheduleDescriptor {
        ScheduleDescriptor(name: "counting-reference", seedCounterpart: "(a test)", lesson: "counts its runs")
    }

    func advance(_ grid: inout Grid<Double>, steps: Int, problem: Problem, context: ExecutionContext) throws(DiffusionError) {
        runs.value.withLock { $0 += 1 }
        ReferenceSchedule().advance(&grid, steps: steps, problem: problem, context: context)
    }

    func advance(_ grid: inout Grid<Float>, steps: Int, problem: Problem, context: ExecutionContext) throws(DiffusionError) {
        runs.value.withLock { $0 += 1 }
        ReferenceSchedule().advance(&grid, steps: steps, problem: problem, context: context)
    }
}

@Suite("Workload: one opening for bench, stat, profile and sweep")
struct WorkloadTests {
    static let problem = Problem(rows: 12, cols: 10, dt: 0.2, boundary: .fixed(0.5), initial: .gaussian(width: 3))

    @Test("the reference solver runs once, on first use of the gate, whatever the copies")
    func referenceComputedOnce() throws {
        let runs = RunCount()
        let workload = try Workload<Double>(problem: Self.problem, steps: 7, referenceSolver: CountingReference(runs: runs))
        #expect(runs.value.withLock { $0 } == 0)
        #expect(workload.referenceSeconds == nil)
        let first = try workload.gate
        let copy = workload
        let second = try copy.gate
        _ = try workload.gate
        #expect(runs.value.withLock { $0 } == 1)
        #expect(workload.referenceSeconds != nil && copy.referenceSeconds == workload.referenceSeconds)
        #expect(FieldComparison.maxAbsDifference(first.reference, second.reference) == 0)
        // It is the reference solver's field after the workload's steps.
        var expected = try Self.problem.makeInitialGrid(Double.self)
        try ReferenceSchedule().run(&expected, steps: 7, problem: Self.problem)
        #expect(FieldComparison.maxAbsDifference(first.reference, expected) == 0)
        #expect(first.steps == 7)
    }

    @Test("the gate accepts the reference and rejects a field perturbed past its tolerance", arguments: [Precision.double, .float])
    func gate(precision: Precision) throws {
        var problem = Self.problem
        problem.precision = precision
        switch precision {
        case .double: try checkGate(Workload<Double>(problem: problem, steps: 5))
        case .float: try checkGate(Workload<Float>(problem: problem, steps: 5))
        }
    }

    private func checkGate<Scalar: DiffusionScalar>(_ workload: Workload<Scalar>) throws {
        let gate = try workload.gate
        let magnitude = workload.problem.magnitude(of: workload.initial)
        #expect(gate.tolerance == Verification.tolerance(precision: workload.problem.precision, steps: 5, magnitude: magnitude))
        #expect(gate.tolerance > 0)
        #expect(try gate.check(gate.reference, variant: "reference") == 0)

        // One cell off by four tolerances: refused, with the error it has.
        var perturbed = gate.reference
        perturbed[3, 4] += Scalar(4 * gate.tolerance)
        let error = gate.error(of: perturbed)
        #expect(error > gate.tolerance && !gate.accepts(error: error))
        let failure = #expect(throws: GateFailure.self) { try gate.check(perturbed, variant: "perturbed") }
        #expect(failure?.variant == "perturbed" && failure?.error == error && failure?.tolerance == gate.tolerance && failure?.steps == 5)
        #expect(failure?.summary.hasPrefix("max |error| ") == true && failure?.summary.contains("exceeds the gate") == true)

        // A field that blew up is never accepted.
        var blownUp = gate.reference
        blownUp[0, 0] = .nan
        #expect(!gate.accepts(error: gate.error(of: blownUp)))
    }

    @Test("a schedule's limitation is reported: thrown when named up front, returned when asked")
    func limitation() throws {
        let error = #expect(throws: DiffusionError.self) {
            try Workload<Double>(problem: Self.problem, steps: 1, for: PickySchedule())
        }
        guard case .unsupported(let schedule, let reason)? = error else {
            Issue.record("expected .unsupported, got \(String(describing: error))")
            return
        }
        #expect(schedule == "picky" && reason == "it supports nothing")
        let workload = try Workload<Double>(problem: Self.problem, steps: 1)
        #expect(workload.limitation(of: PickySchedule()) == "it supports nothing")
        #expect(workload.limitation(of: ReferenceSchedule()) == nil)
    }

    @Test("an invalid problem or one too large for memory is refused before any grid is made")
    func refusals() {
        var tiny = Self.problem
        (tiny.rows, tiny.cols) = (2, 2)
        #expect(throws: DiffusionError.self) { try Workload<Double>(problem: tiny, steps: 1) }
        var huge = Self.problem
        (huge.rows, huge.cols) = (1 << 30, 1 << 30)
        #expect(throws: DiffusionError.self) { try Workload<Double>(problem: huge, steps: 1) }
    }

    @Test("each fresh grid holds the initial field in its own buffer")
    func freshGrid() throws {
        let workload = try Workload<Float>(problem: Self.problem, steps: 1)
        var grid = workload.freshGrid()
        #expect(FieldComparison.maxAbsDifference(grid, workload.initial) == 0)
        grid[5, 5] += 1
        #expect(FieldComparison.maxAbsDifference(workload.freshGrid(), workload.initial) == 0)
        #expect(FieldComparison.maxAbsDifference(grid, workload.initial) > 0.5)
    }
}
