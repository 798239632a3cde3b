import ArgumentParser
import DiffusionKit
import Workbench

extension PlanMode: ExpressibleByArgument {}

/// `--plan` and `--wisdom`, shared by the commands that run `auto` (run,
/// bench): how `auto` chooses its schedule and parameters.
struct PlanOptions: ParsableArguments {
    @Option(name: .long,
            help: ArgumentHelp("How auto plans: auto (stored wisdom where there is some, else estimate), estimate (rule of thumb "
                               + "from the machine's cores and caches), measure (time candidates first, within --plan-budget and "
                               + "10 % of the run), wisdom (stored wisdom only; see `diffuse tune`).",
                               valueName: "auto|estimate|measure|wisdom"))
    var plan: PlanMode = .automatic

    @Option(name: .long,
            help: ArgumentHelp("Wisdom file (default $XDG_CACHE_HOME/diffuse/wisdom.json, else ~/.cache/diffuse/wisdom.json).",
                               valueName: "file.json"))
    var wisdom: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Seconds --plan measure may spend timing candidates, at most.", valueName: "seconds"))
    var planBudget: Double = 2

    func validate() throws {
        guard planBudget >= 0, planBudget.isFinite else {
            throw ValidationError("--plan-budget must be a number of seconds ≥ 0, got \(planBudget)")
        }
    }

    /// `auto` with a plan for each problem, made as `--plan` asks, and the
    /// plan it follows for each; warnings about the wisdom file go to
    /// standard error, one line each.
    ///
    /// Only measured and stored plans are handed to `auto`: an estimate is
    /// `auto`'s own rule, under which `spectral` may still win for many
    /// steps (`SpectralCostModel`); the plan returned for such a problem
    /// says so.
    func autoSchedule(for problems: [Problem], steps: Int, context: ExecutionContext) throws -> (AutoSchedule, [Problem: Plan]) {
        var resolver = PlanResolver(mode: plan, store: WisdomStore(explicitPath: wisdom),
                                    budget: Planner.Budget(seconds: planBudget, fractionOfRun: 0.1))
        var resolved: [Problem: Plan] = [:]
        for problem in problems {
            let resolution = try resolver.plan(for: problem, steps: steps, context: context)
            for warning in resolution.warnings { Terminal.standardError("diffuse: warning: \(warning)\n") }
            resolved[problem] = resolution.plan
        }
        let auto = AutoSchedule(plans: resolved.filter { $0.value.source != .estimate })
        var plans = resolved
        for (problem, plan) in resolved where plan.source == .estimate {
            let followed = auto.plan(for: problem, steps: steps, context: context)
            if followed.schedule != plan.schedule { plans[problem] = followed }
        }
        return (auto, plans)
    }
}
