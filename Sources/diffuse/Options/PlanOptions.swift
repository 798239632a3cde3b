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

    @Option(name: .long, help: ArgumentHelp("Seconds --plan measure may spend timing candidates, at most.", valueName: "seconds"))
    var planBudget: Double = 2

    func validate() throws {
        guard planBudget >= 0, planBudget.isFinite else {
            throw ValidationError("--plan-budget must be a number of seconds ≥ 0, got \(planBudget)")
        }
    }

    /// `auto` with a plan for each problem, made as `--plan` asks; warnings
    /// about the wisdom file go to standard error, one line each.
    func autoSchedule(for problems: [Problem], steps: Int, context: ExecutionContext) throws -> (AutoSchedule, [Problem: Plan]) {
        var resolver = PlanResolver(mode: plan, store: WisdomStore(explicitPath: wisdom),
                                    budget: Planner.Budget(seconds: planBudget, fractionOfRun: 0.1))
        var plans: [Problem: Plan] = [:]
        for problem in problems {
            let resolution = try resolver.plan(for: problem, steps: steps, context: context)
            for warning in resolution.warnings { Terminal.standardError("diffuse: warning: \(warning)\n") }
            plans[problem] = resolution.plan
        }
        return (AutoSchedule(plans: plans), plans)
    }
}
