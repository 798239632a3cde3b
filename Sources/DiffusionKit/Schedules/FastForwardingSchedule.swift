/// A schedule whose cost does not grow with the number of steps: it jumps to
/// step n directly (`spectral`). `Simulation` runs such a schedule in one
/// chunk instead of chunks sized by time, and when the field ends up NaN or
/// infinite it asks the schedule for the first failing step instead of
/// replaying the chunk one step at a time (which would cost n jumps).
public protocol FastForwardingSchedule: Schedule {
    /// The first of `steps` steps from `start` whose field holds a NaN or an
    /// infinity, as stepping one step at a time would name it.
    ///
    /// On return `field` (any grid of the shape; its contents are replaced)
    /// holds the last finite field, the one before that step, or the field
    /// after `steps` steps when all are finite and the result is nil.
    ///
    /// - Returns: the step's offset from `start`, in 1 ... steps, or nil.
    func firstNonFiniteStep<Scalar: DiffusionScalar>(
        from start: Grid<Scalar>, within steps: Int, field: inout Grid<Scalar>, problem: Problem, context: ExecutionContext
    ) throws(DiffusionError) -> Int?
}
