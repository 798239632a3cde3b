import DiffusionKit
import Foundation

/// Makes `auto`'s plan for a workload the way `--plan` asks: from wisdom,
/// by rule, or by measuring; and says why, with any warning about the
/// wisdom file.
public struct PlanResolver {
    public var mode: PlanMode
    public var store: WisdomStore
    /// The measuring planner's budget (`--plan measure`).
    public var budget: Planner.Budget
    /// The build the fingerprint names (this one unless a test says otherwise).
    public var build: String

    private var reading: WisdomStore.Reading?
    /// Warnings already given, so that each is given once.
    private var warned: Set<String> = []

    public init(mode: PlanMode, store: WisdomStore, budget: Planner.Budget = .run,
                build: String = MachineFingerprint.thisBuild) {
        self.mode = mode
        self.store = store
        self.budget = budget
        self.build = build
    }

    /// A plan with the warnings that came with it.
    public struct Resolution: Sendable {
        public var plan: Plan
        /// One line each, for standard error.
        public var warnings: [String]
        /// What a measuring planner timed; nil for the other modes.
        public var measurement: Planner.Measurement?
    }

    /// The plan for `problem` stepped `steps` times under `context`.
    ///
    /// - Throws: `PlanningError.noWisdom` under `--plan wisdom` when no
    ///   stored plan fits; a measuring planner's run errors.
    public mutating func plan(for problem: Problem, steps: Int, context: ExecutionContext) throws -> Resolution {
        var warnings: [String] = []
        switch mode {
        case .estimate:
            return Resolution(plan: Planner.estimate(for: problem, steps: steps, context: context), warnings: [])
        case .measure:
            let measurement = try Planner.measure(problem, steps: steps, context: context, budget: budget)
            return Resolution(plan: measurement.plan, warnings: [], measurement: measurement)
        case .automatic, .wisdom:
            let fingerprint = MachineFingerprint(context.machine, build: build)
            if reading == nil {
                reading = store.read()
                if let warning = reading?.warning { warnings.append(warning) }
            }
            let wisdom = reading!.wisdom
            if var plan = wisdom.plan(for: WorkloadClass(problem), on: fingerprint) {
                if context.threads > 0 && plan.parameters.threads != nil && plan.parameters.threads != context.threads {
                    plan.reason += "; on \(context.threads) threads as --threads asks, not \(plan.parameters.threads!)"
                    plan.parameters.threads = context.threads
                }
                return Resolution(plan: plan, warnings: once(warnings))
            }
            if wisdom.isForeign(to: fingerprint) {
                warnings.append("wisdom file \(store.path) holds plans for other machines only; ignored "
                                + "(this one: \(fingerprint.key))")
            }
            if mode == .wisdom {
                throw PlanningError.noWisdom(workload: WorkloadClass(problem).description, path: store.path,
                                             tune: Self.tuneCommand(for: problem, steps: steps))
            }
            var plan = Planner.estimate(for: problem, steps: steps, context: context)
            plan.reason += " (no wisdom for \(WorkloadClass(problem)); `\(Self.tuneCommand(for: problem, steps: steps))` would measure one)"
            return Resolution(plan: plan, warnings: once(warnings))
        }
    }

    private mutating func once(_ lines: [String]) -> [String] {
        lines.filter { warned.insert($0).inserted }
    }

    /// The `diffuse tune` command that fills wisdom for `problem`.
    public static func tuneCommand(for problem: Problem, steps: Int) -> String {
        var words = ["diffuse tune", "--size \(problem.rows)x\(problem.cols)", "--iterations \(steps)"]
        if problem.precision != .double { words.append("--precision \(problem.precision)") }
        if problem.boundary != .periodic { words.append("--boundary \(problem.boundary)") }
        return words.joined(separator: " ")
    }
}

/// Why a plan could not be made.
public enum PlanningError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `--plan wisdom` and nothing stored fits the workload.
    case noWisdom(workload: String, path: String, tune: String)

    public var description: String {
        switch self {
        case .noWisdom(let workload, let path, let tune):
            "--plan wisdom: \(path) has no plan for \(workload) on this machine; run `\(tune)` first, or use --plan estimate or measure"
        }
    }
}
