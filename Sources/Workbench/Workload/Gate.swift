import DiffusionKit

/// The correctness gate of every measuring command (bench, stat, sweep): the
/// reference solver's field for a workload and the largest difference from
/// it that DiffusionKit's `Verification` accepts.
///
/// The error of a field is max |field − reference| over all cells. A field is
/// accepted when that error is at most `tolerance`; a NaN error (a field that
/// blew up) is never accepted, since NaN ≤ x is false.
public struct Gate<Scalar: DiffusionScalar>: Sendable {
    /// The reference solver's field after `steps` steps.
    public let reference: Grid<Scalar>
    /// The largest accepted max |field − reference|.
    public let tolerance: Double
    /// Steps behind `reference`, for the failure message.
    public let steps: Int

    /// A gate for `reference`, the field of `problem` after `steps` steps
    /// from `initial`: `Verification.tolerance` for the problem's precision,
    /// the steps and the problem's magnitude (max |u₀|, and |V| when fixed).
    public init(reference: Grid<Scalar>, problem: Problem, initial: Grid<Scalar>, steps: Int) {
        self.reference = reference
        self.steps = steps
        tolerance = Verification.tolerance(precision: problem.precision, steps: steps,
                                           magnitude: problem.magnitude(of: initial))
    }

    /// max |grid − reference|.
    public func error(of grid: Grid<Scalar>) -> Double {
        FieldComparison.maxAbsDifference(grid, reference)
    }

    /// True when `error` is within the gate (false for NaN).
    public func accepts(error: Double) -> Bool {
        error <= tolerance
    }

    /// The error of `grid`, or `GateFailure` when it is beyond the gate.
    public func check(_ grid: Grid<Scalar>, variant: String) throws(GateFailure) -> Double {
        let error = error(of: grid)
        guard accepts(error: error) else { throw failure(variant: variant, error: error) }
        return error
    }

    /// What a field of `variant` with `error` beyond the gate is told.
    public func failure(variant: String, error: Double) -> GateFailure {
        GateFailure(variant: variant, error: error, tolerance: tolerance, steps: steps)
    }
}
