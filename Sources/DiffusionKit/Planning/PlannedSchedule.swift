/// A schedule run with a thread count a plan chose, whatever the caller's
/// `ExecutionContext.threads` says.
///
/// It is the schedule it wraps in every other respect (name, lesson,
/// limitations, results): a plan's thread count is one of its parameters,
/// like `temporal`'s depth, so running it must not depend on the context the
/// caller happens to pass. The count is still capped by the schedule's own
/// rules (at most one thread per row, …), which `threads(for:context:)` reports.
public struct PlannedSchedule: Schedule {
    public let base: any Schedule
    public let planThreads: Int

    /// `base` on `threads` threads (at least 1).
    public init(_ base: any Schedule, threads: Int) {
        self.base = base
        self.planThreads = max(1, threads)
    }

    public var descriptor: ScheduleDescriptor { base.descriptor }

    public func limitation(for problem: Problem) -> String? { base.limitation(for: problem) }

    func adjusted(_ context: ExecutionContext) -> ExecutionContext {
        var context = context
        context.threads = planThreads
        return context
    }

    public func threads(for problem: Problem, context: ExecutionContext) -> Int {
        base.threads(for: problem, context: adjusted(context))
    }

    public func advance(_ grid: inout Grid<Double>, steps: Int, problem: Problem, context: ExecutionContext) throws(DiffusionError) {
        try base.advance(&grid, steps: steps, problem: problem, context: adjusted(context))
    }

    public func advance(_ grid: inout Grid<Float>, steps: Int, problem: Problem, context: ExecutionContext) throws(DiffusionError) {
        try base.advance(&grid, steps: steps, problem: problem, context: adjusted(context))
    }
}
