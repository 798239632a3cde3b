import ArgumentParser
import DiffusionKit
import Foundation
import PerfKit
import Workbench

/// `diffuse bench`: the seed's "Wrap Up", measured on this machine.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time every schedule on one workload and rank them: the seed's Wrap Up.",
        discussion: """
            Before any time is shown, each schedule's final field is compared with the reference \
            solver's on the same workload; one that differs by more than the gate (1e-12 × the \
            largest initial magnitude in double precision) is marked FAILED and never ranked. The \
            warm-up run is that check. Then the schedules that passed are timed in turns, one run \
            of the full workload each per round, so that all of them meet the same moments of a \
            shared machine's load, each until its --budget is spent (at least --min-runs runs); \
            the best and the median are reported, with the speedup over `nested` (the seed's pure \
            Python). Peers run after them, in their own processes. Progress goes to standard error, \
            results to standard output.

            Examples:
              diffuse bench                                      # every schedule, the seed's workload
              diffuse bench --variants fused,in-place --iterations 200
              diffuse bench --sizes 256,512,640,1024,2048 --format markdown
              diffuse bench --peers                              # with NumPy, numexpr, SciPy, Numba and C
              diffuse bench --size 4096 --iterations 50 --peer c-openmp,devito --boundary fixed
              diffuse bench --boundary reflecting --precision float --format json
            """
    )

    @OptionGroup(title: "Model") var model: ModelOptions
    @OptionGroup(title: "Machine") var machineOptions: MachineOptions
    @OptionGroup(title: "Planning (auto)") var planOptions: PlanOptions

    @Option(name: .long, parsing: .unconditional, help: "Steps per run (every run is the full workload).")
    var iterations: Int = 500

    @Option(name: .long, help: ArgumentHelp("Comma-separated schedules to time, each once (default: all but reference and auto; see `diffuse variants`).", valueName: "a,b,…"))
    var variants: String?

    @Option(name: .long, help: ArgumentHelp("Comma-separated grid sizes (N or RxC): one table, runtime and speedup per size.", valueName: "n,n,…"))
    var sizes: String?

    @Option(name: .long, help: ArgumentHelp("Seconds of timed runs per schedule after its warm-up.", valueName: "seconds"))
    var budget: Double = 1

    @Option(name: .long, parsing: .unconditional, help: "Timed runs per schedule at the least.")
    var minRuns: Int = 3

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Threads for parallel schedules and peers (0: all cores).", valueName: "n"))
    var threads: Int = 0

    @Flag(name: .long, help: "Also run the project's NumPy, numexpr, SciPy, Numba and C peers on the same workload.")
    var peers = false

    @Option(name: .long, help: ArgumentHelp("Comma-separated peers to run, and only these (implies --peers): \(PeerCatalog.names.joined(separator: ", ")).", valueName: "a,b,…"))
    var peer: String?

    @Option(name: .long, help: "Output format.")
    var format: TableFormat = .table

    @Flag(name: .long, inversion: .prefixedNo,
          help: "Measure this machine's roofs first (compute, L1, L2, L3, memory; see `diffuse roofline`) and show each result's share of the roof that bounds it.")
    var roofline = true

    func validate() throws {
        guard iterations >= 1 else { throw ValidationError("--iterations must be at least 1, got \(iterations)") }
        guard budget >= 0, budget.isFinite else { throw ValidationError("--budget must be a number of seconds ≥ 0, got \(budget)") }
        guard minRuns >= 1 else { throw ValidationError("--min-runs must be at least 1, got \(minRuns)") }
        try ThreadCount.validate(threads)
        if sizes != nil, model.size != nil { throw ValidationError("give either --size or --sizes, not both") }
        if let variants { _ = try ScheduleList.names(variants) }
        if let peer { _ = try PeerList.peers(peer) }
    }

    func run() throws {
        // Ctrl-C or SIGTERM: stop the peers' processes, remove the temporary folders, exit.
        SignalHandling.install(cooperative: false)
        let base = try model.problem()
        var problems = [base]
        if let sizes {
            problems = try sizes.split(separator: ",").map { text in
                let (rows, cols) = try ModelOptions.parseSize(String(text.trimmingCharacters(in: .whitespaces)))
                var problem = base
                (problem.rows, problem.cols) = (rows, cols)
                try problem.validate(allowUnstable: model.allowUnstable)
                return problem
            }
            guard !problems.isEmpty else { throw ValidationError("--sizes needs at least one size, e.g. 256,512") }
            if case .file = base.initial { throw ValidationError("--sizes cannot be used with --initial file:… (the file sets the size)") }
        }
        var schedules: [any Schedule] = try variants.map(ScheduleList.schedules)
            ?? ScheduleRegistry.distinct.filter { $0.descriptor.name != ReferenceSchedule().descriptor.name }
        let machineDescription = try machineOptions.description()
        var autoPlans: [Problem: Plan] = [:]
        if let index = schedules.firstIndex(where: { $0 is AutoSchedule }) {
            let context = ExecutionContext(threads: threads, machine: machineDescription)
            let auto: AutoSchedule
            (auto, autoPlans) = try planOptions.autoSchedule(for: problems, steps: iterations, context: context)
            schedules[index] = auto
            for problem in problems {
                if let plan = autoPlans[problem] {
                    Terminal.standardError("auto on \(problem.rows)×\(problem.cols): \(plan.summary) — \(plan.reason)\n")
                }
            }
        }
        var plan = BenchPlan(
            problems: problems, iterations: iterations, schedules: schedules,
            peers: try peer.map(PeerList.peers) ?? (peers ? PeerCatalog.all : []), budget: budget, minimumRuns: minRuns, threads: threads)
        plan.machine = machineDescription
        let machine = Machine.current()
        let display = BenchProgressDisplay()
        let roofsMeter = MachineRoofsMeter(machine: machineDescription, threads: threads, trials: 3)
        let roofs = roofline ? roofsMeter.measure { display.note($0) } : nil
        let runner = BenchRunner(plan: plan, meter: PerfKitRunMeter())
        var report = try runner.run(machine: machine, date: ISO8601DateFormatter().string(from: Date())) {
            display.show($0)
        }
        // Plans first: auto's roof is that of the schedule its plan ran.
        report = report.applying(autoPlans: autoPlans)
        if var roofs {
            report = report.applying(roofs: roofs, schedules: schedules, machine: machineDescription, threads: threads)
            // A result above its roof: first suspect the roof, measured in
            // a few seconds of a shared machine whose load comes and goes
            // (a busy moment only lowers a measurement). Measured once more,
            // each figure the larger; a result still above it is reported so.
            if report.hasResultAboveRoof {
                display.note("a result passed its roof: measuring the roofs once more…")
                roofs = roofs.merged(with: roofsMeter.measure { display.note($0) })
                report = report.applying(roofs: roofs, schedules: schedules, machine: machineDescription, threads: threads)
            }
        }
        Terminal.standardOutput(try BenchFormatter.render(report, as: format))
    }
}

/// Progress of a bench on standard error: a line per schedule (redrawn in
/// place on a terminal as its runs complete).
final class BenchProgressDisplay {
    private let terminal = Terminal.standardErrorIsTerminal
    private var current = ""
    /// Each entry's "[position/count] name", for its result after others ran.
    private var labels: [String: String] = [:]

    func show(_ progress: BenchProgress) {
        switch progress {
        case .reference(let workload):
            line("reference solver on \(workload) (the correctness gate)…", final: true)
        case .entry(let name, let position, let count):
            current = "[\(position)/\(count)] \(name)"
            labels[name] = current
            line(current + ": warm-up", final: false)
        case .detail(let detail):
            line(current.isEmpty ? detail : current + ": " + detail, final: false)
        case .finished(let result):
            let summary: String
            switch result.status {
            case .verified:
                summary = "best \(result.bestSeconds.map(formatSeconds) ?? "–") of \(result.runs) runs, max |error| \(result.maxAbsError.map(formatError) ?? "–")"
            default:
                summary = "\(result.status.rawValue)" + (result.reason.map { ": \($0)" } ?? "")
            }
            line((labels[result.variant] ?? current) + ": " + summary, final: true)
        case .note(let text):
            current = ""
            line(text, final: true)
        }
    }

    /// A line of its own ("memory bandwidth…").
    func note(_ text: String) { line(text, final: true) }

    private func line(_ text: String, final: Bool) {
        if terminal {
            Terminal.standardError("\r\u{1B}[2K" + text + (final ? "\n" : ""))
        } else if final {
            Terminal.standardError(text + "\n")
        }
    }
}
