/// The correctness gate: how far a schedule's field may be from the reference
/// solver's on the same workload before it is marked FAILED.
///
/// Both fields are computed from the same initial grid, in the same precision.
/// Schedules that keep the reference's order of operations agree bit for bit;
/// the others (the seed's whole-array rungs sum the neighbours in NumPy's
/// order, the filter adds nine weighted terms) differ by rounding only. The
/// explicit step with r ≤ 1/4 is a convex combination of five values, so it
/// never amplifies a difference in the max norm: the rounding differences
/// made in each step add up, they do not grow.
///
/// - Double: 1e-12 × M, where M is the largest magnitude in the problem
///   (`Problem.magnitude(of:)`: max |u₀| and |V| for fixed boundaries).
///   Typical differences are 1e-17 × M.
/// - Float: 2e-5 × M × max(1, √(steps / 500)). A step rounds each cell to
///   2⁻²⁴ ≈ 6e-8 relative; differently ordered sums differ by a few of those
///   per step, and such independent roundings grow like the square root of the
///   number of steps. At the seed's 500 steps the bound is about 300 units of
///   float round-off, some 20 times the differences actually seen.
///   Unstable runs (r > 1/4) amplify differences and can fail the gate.
public enum Verification {
    /// The largest acceptable max |schedule − reference|.
    public static func tolerance(precision: Precision, steps: Int, magnitude: Double) -> Double {
        switch precision {
        case .double:
            return 1e-12 * magnitude
        case .float:
            return 2e-5 * magnitude * max(1, (Double(steps) / 500).squareRoot())
        }
    }

    /// True when `error` is within the gate.
    public static func passes(error: Double, precision: Precision, steps: Int, magnitude: Double) -> Bool {
        error <= tolerance(precision: precision, steps: steps, magnitude: magnitude)
    }
}
