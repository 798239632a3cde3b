import ArgumentParser
import DiffusionKit
import PerfKit
import Workbench

/// `diffuse sweep`: throughput against grid size, with the cache cliffs.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Measure throughput over grid sizes and mark which cache each working set fits in.",
        discussion: """
            Square grids from --from to --to, --steps-per-octave sizes per doubling of the side \
            (64, 91, 128, 181, … by default). Each row gives the working set — two grids, \
            rows·cols·8 B·2 in double precision — and the smallest cache level one instance of \
            which holds it (L1d, L2, L3, or DRAM), so the drops in cell updates per second at \
            the L2 and L3 boundaries show. `diffuse info` lists the caches.

            At each size a short verification run (3 steps, or --iterations if fewer) is \
            compared with the reference solver on the same steps: the reference costs about \
            9 ns per update, so checking the full timed runs of a 4096² grid would take far \
            longer than timing them. A schedule that fails stops the sweep with an error.

            Then runs of growing length warm the caches and estimate the time per step, which \
            chooses N so that each point's timed runs take about --budget seconds together, but \
            at least 4 steps, so the largest grids take longer (or give --iterations N for every \
            size). Two runs of N steps and two of 2N steps follow, \
            each one call of the schedule from the initial field. updates/s is the steady state: \
            N·cells over the difference of the best 2N-step and N-step times. A call also pays a \
            fixed set-up — a scratch grid whose fresh pages fault in on first touch, tens of \
            milliseconds for a 4096² grid — that would swamp the few steps a large grid gets in \
            a bounded time; set-up/call shows it apart. In a release build the default sweep \
            takes some 10 to 15 seconds.

            --size is not accepted (the sweep sets the sizes); the other model options apply \
            to every point.

            Examples:
              diffuse sweep
              diffuse sweep --variant simd --from 32 --to 2048 --steps-per-octave 4
              diffuse sweep --variant in-place --to 1024 --iterations 20 --format csv
              diffuse sweep --precision float --format json
            """
    )

    @OptionGroup(title: "Model") var model: ModelOptions
    @OptionGroup(title: "Machine") var machineOptions: MachineOptions

    @Option(name: .long, help: ArgumentHelp("Schedule to measure (see `diffuse variants`).", valueName: "name"))
    var variant: String = "fused"

    @Option(name: .long, help: ArgumentHelp("Smallest grid side (at least 3).", valueName: "n"))
    var from: Int = 64

    @Option(name: .long, help: ArgumentHelp("Largest grid side.", valueName: "n"))
    var to: Int = 4096

    @Option(name: .long, help: ArgumentHelp("Sizes per doubling of the side (1 to 16).", valueName: "n"))
    var stepsPerOctave: Int = 2

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Steps N of the short timed runs at every size; the long ones take 2N (default: chosen per size from --budget).", valueName: "n"))
    var iterations: Int?

    @Option(name: .long, help: ArgumentHelp("Seconds of timed runs per size, all together, when --iterations is not given.", valueName: "seconds"))
    var budget: Double = 0.2

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Threads for parallel schedules (0: all cores).", valueName: "n"))
    var threads: Int = 0

    @Option(name: .long, help: "Output format.")
    var format: SweepFormat = .table

    func validate() throws {
        guard from >= Problem.minimumSide else { throw ValidationError("--from must be at least \(Problem.minimumSide), got \(from)") }
        guard to >= from else { throw ValidationError("--to (\(to)) must be at least --from (\(from))") }
        guard (1 ... 16).contains(stepsPerOctave) else {
            throw ValidationError("--steps-per-octave must be 1 to 16, got \(stepsPerOctave)")
        }
        if let iterations, iterations < 1 { throw ValidationError("--iterations must be at least 1, got \(iterations)") }
        guard budget > 0, budget.isFinite, budget <= 3600 else {
            throw ValidationError("--budget must be a positive number of seconds (at most 3600), got \(budget)")
        }
        try ThreadCount.validate(threads)
        if model.size != nil { throw ValidationError("--size does not apply to sweep: use --from and --to") }
        if model.initial.hasPrefix("file:") { throw ValidationError("--initial file:… does not apply to sweep: the file would fix the size") }
    }

    func run() throws {
        let schedule = try ScheduleRegistry.named(variant)
        var problem = try model.problem()
        (problem.rows, problem.cols) = (from, from)
        var plan = SweepPlan(problem: problem, from: from, to: to, stepsPerOctave: stepsPerOctave, iterations: iterations,
                             budget: budget, threads: threads)
        plan.machine = try machineOptions.description()
        let progress = StatProgress()
        let report = try SweepRunner(plan: plan).run(schedule) { point in
            progress.show("\(point.rows)² done: \(formatRate(point.updatesPerSecond)) updates/s…")
        }
        progress.finish()
        switch format {
        case .json: Terminal.standardOutput(try jsonText(report))
        case .csv: Terminal.standardOutput(report.csv)
        case .table: Terminal.standardOutput(report.text)
        }
    }
}
