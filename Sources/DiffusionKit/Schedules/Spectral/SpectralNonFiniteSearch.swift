/// `--allow-unstable` for `spectral`: the first non-finite step, found by
/// bisection on n rather than by stepping.
///
/// With r > 1/4 some |λ| exceed 1 and the field grows like max|λ|ⁿ until it
/// overflows. Stepping overflows a little before the field itself does: the
/// Laplacian's sums reach about 8·max|u|. So the bisection looks for the
/// first n whose field is non-finite or beyond `greatestFiniteMagnitude / 16`
/// (a jump to any n costs two transforms, so log₂(steps) jumps), and from the
/// last n below that the reference steps one step at a time until the field
/// is non-finite, so the step named is the one stepping names (unless the
/// fields are within rounding of the overflow threshold, where the two may
/// differ by a step). The growth is monotone but for the ripples of the
/// other growing modes, which the bisection assumes away.
///
/// The replay takes about log(16)/log(max|λ|) steps: a few for r well above
/// 1/4, many when r is barely above it (where stepping would need millions
/// of steps to overflow in the first place). It uses one extra grid.
extension SpectralSchedule: FastForwardingSchedule {
    public func firstNonFiniteStep<Scalar: DiffusionScalar>(
        from start: Grid<Scalar>, within steps: Int, field: inout Grid<Scalar>, problem: Problem, context: ExecutionContext
    ) throws(DiffusionError) -> Int? {
        let limit = Double(Scalar.greatestFiniteMagnitude) / 16
        /// True when the field after n steps is non-finite or near overflow; leaves it in `field`.
        func beyond(_ n: Int) throws(DiffusionError) -> Bool {
            field.assign(from: start)
            try fastForward(&field, steps: n, problem: problem, context: context)
            return field.withUnsafeBufferPointer { cells in
                for cell in cells where !(abs(Double(cell)) <= limit) { return true }
                return false
            }
        }
        guard try beyond(steps) else { return nil }
        // Invariant: the field at `low` is below the limit, at `high` beyond it.
        var low = 0, high = steps
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if try beyond(middle) { high = middle } else { low = middle }
        }
        return try replay(from: low)

        /// Steps with the reference from step `low` until the field is non-finite.
        func replay(from low: Int) throws(DiffusionError) -> Int? {
            field.assign(from: start)
            try fastForward(&field, steps: low, problem: problem, context: context)
            var next = field
            for n in low + 1 ... steps {
                ReferenceSchedule.step(field, into: &next, problem: problem)
                if !FieldComparison.isFinite(next) { return n }
                swap(&field, &next)
            }
            return nil
        }
    }
}
