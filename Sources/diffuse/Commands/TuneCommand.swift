import ArgumentParser
import DiffusionKit
import Foundation
import Workbench

/// `diffuse tune`: measure the best plan for workloads and store it as wisdom.
struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Measure the fastest plan for workloads and store it as wisdom for auto.",
        discussion: """
            For each size, times candidate plans (simd; parallel on all cores and on half; temporal at depths \
            2 to 32 with the tiles the L2 allows, and tiles narrower and wider than that; whole rows folded \
            and not) on the real shape, precision and boundary, within --budget seconds: in rounds that keep \
            the faster half, then a final of the leader against the rule-of-thumb estimate in turns, decided \
            on the final's own runs, so that one disturbed or lucky run on a busy machine does not decide. \
            It stores the fastest in the wisdom file, keyed by this machine's fingerprint (CPU, vector \
            width, caches, cores, build) and the workload's class (size within a factor 2^(1/4), precision, \
            boundary kind). `diffuse run` and `diffuse bench --variants auto` then use it (--plan auto, the \
            default). The file is updated atomically under a lock: concurrent tunes keep each other's entries.

            Examples:
              diffuse tune                                    # the seed's workload: 640², 500 steps
              diffuse tune --sizes 256,640,1000x3000,4096 --iterations 50
              diffuse tune --size 4096 --precision float --boundary fixed=0 --budget 10
            """
    )

    @OptionGroup(title: "Model") var model: ModelOptions
    @OptionGroup(title: "Machine") var machineOptions: MachineOptions

    @Option(name: .long, help: ArgumentHelp("Comma-separated grid sizes (N or RxC) to tune, each on its own.", valueName: "n,n,…"))
    var sizes: String?

    @Option(name: .long, parsing: .unconditional, help: "Steps of the runs to plan for (a temporal plan's depth is at most this).")
    var iterations: Int = 500

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Threads to plan for (0: all cores, and also half of them).", valueName: "n"))
    var threads: Int = 0

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Seconds of timed candidate runs per size.", valueName: "seconds"))
    var budget: Double = 5

    @Option(name: .long, help: ArgumentHelp("Wisdom file (default $XDG_CACHE_HOME/diffuse/wisdom.json, else ~/.cache/diffuse/wisdom.json).",
                                            valueName: "file.json"))
    var wisdom: String?

    @Flag(name: .long, help: "Print what was tuned as one JSON object.")
    var json = false

    func validate() throws {
        guard iterations >= 1 else { throw ValidationError("--iterations must be at least 1, got \(iterations)") }
        try ThreadCount.validate(threads)
        guard budget > 0, budget.isFinite else { throw ValidationError("--budget must be a number of seconds > 0, got \(budget)") }
        if sizes != nil, model.size != nil { throw ValidationError("give either --size or --sizes, not both") }
    }

    func run() throws {
        let base = try model.problem()
        var problems = [base]
        if let sizes {
            problems = try sizes.split(separator: ",").map { text in
                let (rows, cols) = try ModelOptions.parseSize(text.trimmingCharacters(in: .whitespaces))
                var problem = base
                (problem.rows, problem.cols) = (rows, cols)
                try problem.validate(allowUnstable: model.allowUnstable)
                return problem
            }
            guard !problems.isEmpty else { throw ValidationError("--sizes needs at least one size, e.g. 256,640") }
        }
        let context = ExecutionContext(threads: threads, machine: try machineOptions.description())
        let tuner = Tuner(store: WisdomStore(explicitPath: wisdom), secondsPerWorkload: budget)
        let report = try tuner.tune(problems, steps: iterations, context: context) { Terminal.standardError($0 + "\n") }
        if let warning = report.replacedWarning { Terminal.standardError("diffuse: warning: \(warning)\n") }
        if json {
            Terminal.standardOutput(try jsonText(report))
            return
        }
        var lines: [String] = []
        for result in report.results {
            lines.append("\(result.rows)×\(result.cols), \(result.iterations) steps (class \(result.workloadClass)): \(result.plan.summary)")
            for trial in result.trials.sorted(by: { $0.secondsPerStep < $1.secondsPerStep }) {
                let mark = trial.plan.schedule == result.plan.schedule && trial.plan.parameters == result.plan.parameters ? "*" : " "
                lines.append("  \(mark) \(formatSeconds(trial.secondsPerStep)) per step  \(trial.plan.summary)  (\(trial.steps) steps a run)")
            }
            lines.append("  \(result.runs) runs, \(formatSeconds(result.spentSeconds)) timed")
        }
        lines.append("wrote \(report.wisdomFile)")
        Terminal.standardOutput(lines.joined(separator: "\n") + "\n")
    }
}
