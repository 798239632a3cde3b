import DiffusionKit
import Foundation

/// `diffuse tune`: measures plans for workloads and stores them as wisdom.
///
/// Each workload is planned by the measuring planner with `secondsPerWorkload`
/// of timed runs and no cap by the run's length (nothing runs afterwards);
/// the winners are written to the store in one locked, atomic update, so an
/// interrupted tune leaves the old wisdom intact.
public struct Tuner {
    public var store: WisdomStore
    public var secondsPerWorkload: Double
    public var build: String

    public init(store: WisdomStore, secondsPerWorkload: Double, build: String = MachineFingerprint.thisBuild) {
        self.store = store
        self.secondsPerWorkload = secondsPerWorkload
        self.build = build
    }

    /// What was tuned for one workload.
    public struct Result: Sendable, Encodable {
        public var rows: Int
        public var cols: Int
        public var iterations: Int
        public var workloadClass: String
        public var plan: Plan
        public var trials: [Planner.Trial]
        public var runs: Int
        public var spentSeconds: Double

        enum CodingKeys: String, CodingKey {
            case rows, cols, iterations, workloadClass = "workload_class", plan, trials, runs, spentSeconds = "spent_s"
        }
    }

    /// Everything a tune did.
    public struct Report: Sendable, Encodable {
        public var wisdomFile: String
        public var machine: MachineFingerprint
        public var results: [Result]
        /// The warning of a bad file that the tune replaced, if any.
        public var replacedWarning: String?

        enum CodingKeys: String, CodingKey {
            case wisdomFile = "wisdom_file", machine, results, replacedWarning = "replaced_warning"
        }
    }

    /// Tunes every problem for `steps` steps under `context`, then records
    /// the plans; `progress` hears of each workload as it starts.
    public func tune(_ problems: [Problem], steps: Int, context: ExecutionContext,
                     progress: (String) -> Void = { _ in }) throws -> Report {
        let fingerprint = MachineFingerprint(context.machine, build: build)
        let budget = Planner.Budget(seconds: secondsPerWorkload, fractionOfRun: nil)
        var results: [Result] = []
        var entries: [Wisdom.Entry] = []
        for problem in problems {
            progress("tuning \(problem.rows)×\(problem.cols) \(problem.precision) \(problem.boundary), \(steps) steps…")
            let measurement = try Planner.measure(problem, steps: steps, context: context, budget: budget)
            let workload = WorkloadClass(problem)
            results.append(Result(rows: problem.rows, cols: problem.cols, iterations: steps, workloadClass: workload.description,
                                  plan: measurement.plan, trials: measurement.trials, runs: measurement.runs,
                                  spentSeconds: measurement.spentSeconds))
            let perStep = measurement.trials.first { $0.plan.schedule == measurement.plan.schedule
                && $0.plan.parameters == measurement.plan.parameters }?.secondsPerStep
            entries.append(Wisdom.Entry(machine: fingerprint, workload: workload, plan: measurement.plan,
                                        secondsPerStep: perStep, measuredOn: "\(problem.rows)x\(problem.cols), \(steps) steps"))
        }
        let warning = try store.record(entries)
        return Report(wisdomFile: store.path, machine: fingerprint, results: results, replacedWarning: warning)
    }
}
