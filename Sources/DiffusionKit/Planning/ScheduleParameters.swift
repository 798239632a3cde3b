extension Planner {
    /// The parameters `schedule` runs `problem` with for `steps` steps under
    /// `context`: its threads, and for `temporal` (also behind `auto` or a
    /// plan) its depth, tile width and row layout as its plan resolves them. For a
    /// roofline's traffic model, which needs to know how deep a sweep went.
    public static func parameters(of schedule: any Schedule, problem: Problem, steps: Int,
                                  context: ExecutionContext) -> PlanParameters {
        var schedule = schedule
        var context = context
        if let auto = schedule as? AutoSchedule { schedule = auto.choice(for: problem, context: context) }
        if let planned = schedule as? PlannedSchedule {
            context.threads = planned.planThreads
            schedule = planned.base
        }
        let threads = schedule.threads(for: problem, context: context)
        guard let temporal = schedule as? TemporalSchedule else { return PlanParameters(threads: threads) }
        let plan = TemporalPlan(rows: problem.rows, cols: problem.cols, scalarBytes: problem.precision.byteWidth,
                                steps: max(1, steps), context: context, depth: temporal.depth, tileWidth: temporal.tileWidth,
                                folded: temporal.folded)
        return parameters(of: plan, cols: problem.cols)
    }
}
