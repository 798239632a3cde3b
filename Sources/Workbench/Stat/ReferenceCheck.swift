import DiffusionKit

/// The correctness gate of the measuring commands (`stat`, `sweep`): the
/// reference solver's field for a workload and the largest difference from
/// it that `Verification` accepts.
struct ReferenceCheck<Scalar: DiffusionScalar> {
    let reference: Grid<Scalar>
    let tolerance: Double
    let steps: Int

    /// Runs the reference solver `steps` steps from `initial`.
    init(problem: Problem, initial: Grid<Scalar>, steps: Int) throws {
        var reference = BenchRunner.freshCopy(of: initial)
        try ReferenceSchedule().run(&reference, steps: steps, problem: problem)
        self.reference = reference
        self.steps = steps
        tolerance = Verification.tolerance(precision: problem.precision, steps: steps,
                                           magnitude: problem.magnitude(of: initial))
    }

    /// max |grid − reference|.
    func error(of grid: Grid<Scalar>) -> Double {
        FieldComparison.maxAbsDifference(grid, reference)
    }

    /// Throws `GateFailure` unless `grid` is within the gate.
    func check(_ grid: Grid<Scalar>, variant: String) throws(GateFailure) -> Double {
        let error = error(of: grid)
        guard error <= tolerance else {
            throw GateFailure(variant: variant, error: error, tolerance: tolerance, steps: steps)
        }
        return error
    }
}

/// A schedule whose field differs from the reference's by more than the
/// gate allows: its numbers are not shown.
public struct GateFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var variant: String
    /// max |schedule − reference| (infinite or NaN for a field that blew up).
    public var error: Double
    public var tolerance: Double
    public var steps: Int

    public var description: String {
        "variant '\(variant)' fails the correctness gate: after \(steps) steps its field differs from the reference's "
            + "by \(formatError(error)), more than the \(formatError(tolerance)) allowed; no numbers are shown for a wrong result"
    }
}
