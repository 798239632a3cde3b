import ArgumentParser
import DiffusionKit
import PerfKit
import Workbench

/// `diffuse run`: step one problem with one schedule, summarise, write files.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Step the diffusion equation and summarise the result.",
        discussion: """
            Prints the grid, the steps, the stepping time, the throughput (cell updates per \
            second), the total mass Σu·dx², the minimum and maximum, and the relative mass drift \
            (zero up to rounding for periodic and reflecting boundaries). Output files are written \
            atomically: an interrupted run never leaves a truncated file.

            Examples:
              diffuse run
              diffuse run --size 333x517 --boundary reflecting --output field.npy
              diffuse run --boundary fixed=1 --initial gaussian --width 20 --png heat.png
              diffuse run --initial file:start.npy --iterations 2000 --output end.csv
              diffuse run --every 100 --output-dir snapshots   # step_000.npy … step_500.npy
              diffuse run --every 10 --animate field.apng       # 51 frames, one colour scale
              diffuse run --variant spectral --time 100000     # 10⁶ steps of dt = 0.1, two FFTW transforms
              diffuse run --iterations 100000 --checkpoint run.npz --checkpoint-every 10m
              diffuse run --resume run.npz                      # go on after an interrupt
              mpirun -np 4 diffuse run --size 4096 --output field.npy   # built with --traits NativeCPU,MPI

            SIGINT (Ctrl-C) or SIGTERM finishes the current chunk of steps, saves the \
            checkpoint if --checkpoint was given, removes every temporary file, says how \
            to resume, and exits with 130 (SIGINT) or 143 (SIGTERM); a second signal \
            exits at once. Exit status: 0 success, 64 a usage mistake, 1 a failure.
            """
    )

    @OptionGroup(title: "Model") var model: ModelOptions
    @OptionGroup(title: "Machine") var machineOptions: MachineOptions
    @OptionGroup(title: "Planning (auto)") var planOptions: PlanOptions

    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("Number of explicit-Euler steps (default 500; with --resume: the rest of the interrupted run).", valueName: "n"))
    var iterations: Int?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Simulated time instead of --iterations: T/dt steps (T must be a whole number of steps).", valueName: "T"))
    var time: Double?

    @Option(name: .long, help: ArgumentHelp("Schedule that steps the field (see `diffuse variants`); auto picks the fastest for the workload.", valueName: "name"))
    var variant: String = "auto"

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Threads for parallel schedules (0: all cores; at most \(ThreadCount.maximum)).", valueName: "n"))
    var threads: Int = 0

    @Option(name: .long, help: ArgumentHelp("Write the final field: FILE.npy (NumPy, loads with numpy.load) or FILE.csv (one line per row).", valueName: "file"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("Write a heatmap of the final field (viridis colour map).", valueName: "file.png"))
    var png: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Write a snapshot .npy every K steps (with --output-dir), step 0 included.", valueName: "K"))
    var every: Int?

    @Option(name: .long, help: ArgumentHelp("Folder for the snapshots of --every (created if missing).", valueName: "dir"))
    var outputDir: String?

    @Option(name: .long, help: ArgumentHelp("Write the --every snapshots as an animated PNG (APNG), one colour scale for all frames.", valueName: "file.apng"))
    var animate: String?

    @Option(name: .long, help: ArgumentHelp("Save a checkpoint here (a NumPy .npz: the field and the problem) at the end, on SIGINT/SIGTERM, and every --checkpoint-every.", valueName: "file.npz"))
    var checkpoint: String?

    @Option(name: .long, help: ArgumentHelp("How often to save the checkpoint: every K steps, or a wall time such as 30s, 10m, 2h.", valueName: "K|time"))
    var checkpointEvery: String?

    @Option(name: .long, help: ArgumentHelp("Go on from a checkpoint: the problem, step and schedule come from it; --iterations counts the steps still to take. Checkpoints go on into the same file unless --checkpoint says otherwise.", valueName: "file.npz"))
    var resume: String?

    /// Where checkpoints go: --checkpoint, or the file being resumed.
    private var checkpointPath: String? { checkpoint ?? resume }

    @Flag(name: .long, help: "Print the summary as one JSON object.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Under mpirun: halo cells exchanged once per that many steps (default: an eighth of the smallest block side, 1…16).", valueName: "h"))
    var haloDepth: Int?

    func validate() throws {
        if let iterations, iterations < 0 { throw ValidationError("--iterations must be 0 or more, got \(iterations)") }
        try ThreadCount.validate(threads)
        if let checkpoint, !checkpoint.hasSuffix(".npz") {
            throw ValidationError("--checkpoint \(checkpoint): expected a file name ending in .npz (NumPy reads it with numpy.load)")
        }
        if let checkpointEvery {
            guard checkpoint != nil || resume != nil else { throw ValidationError("--checkpoint-every needs --checkpoint FILE.npz (where to save)") }
            do { _ = try CheckpointInterval(parsing: checkpointEvery) } catch { throw ValidationError("\(error)") }
        }
        if let resume, resume.isEmpty { throw ValidationError("--resume needs a checkpoint file") }
        if let outputDir, outputDir.isEmpty { throw ValidationError("--output-dir is empty: give a folder for the snapshots, e.g. --output-dir snapshots") }
        if let output {
            guard output.hasSuffix(".npy") || output.hasSuffix(".csv") else {
                throw ValidationError("--output \(output): expected a file name ending in .npy or .csv")
            }
        }
        if let png, !png.lowercased().hasSuffix(".png") {
            throw ValidationError("--png \(png): expected a file name ending in .png")
        }
        try RunAnimation.validate(animate, every: every)
        switch (every, outputDir ?? animate) {
        case (nil, nil): break
        case (let k?, _?): guard k >= 1 else { throw ValidationError("--every must be at least 1, got \(k)") }
        case (_?, nil): throw ValidationError("--every needs --output-dir DIR for the snapshots (or --animate FILE.apng)")
        case (nil, _?): throw ValidationError("--output-dir needs --every K (how often to write a snapshot)")
        }
    }

    func run() throws {
        if runsUnderMPI { return try runDistributed() }  // mpirun -np P diffuse run …: RunCommand+MPI.swift
        SignalHandling.install(cooperative: true)
        let resumption = try resume.map { try Resumption(path: $0, model: model) }
        let problem = try resumption?.info.problem ?? model.problem()
        // --iterations or --time; when resuming, by default the rest of the interrupted run.
        let steps: Int
        if let resumption, iterations == nil, time == nil {
            steps = max(0, resumption.info.iterations - resumption.info.step)
        } else {
            steps = try RunLength.steps(iterations: iterations, time: time, dt: problem.dt)
        }
        // Check every destination before the run, and before a measuring
        // plan: a long run must not end in an error about a folder that
        // never existed.
        if let output { try OutputFolder.checkWritable(file: output) }
        if let png { try OutputFolder.checkWritable(file: png) }
        if let checkpoint = checkpointPath { try OutputFolder.checkWritable(file: checkpoint) }
        if let outputDir { try OutputFolder.prepare(outputDir) }
        if let animate { try OutputFolder.checkWritable(file: animate) }
        let context = ExecutionContext(threads: threads, machine: try machineOptions.description())
        var named = try ScheduleRegistry.named(resumption != nil && variant == "auto" ? resumption!.info.schedule : variant)
        // auto with the plan --plan asks for (wisdom, measured or none: the estimate).
        var plan: Plan?
        if named is AutoSchedule {
            // Each --every segment is a run of its own for auto's choice.
            let (auto, plans) = try planOptions.autoSchedule(for: [problem], steps: min(steps, every ?? steps), context: context)
            (named, plan) = (auto, plans[problem])
        }
        let (schedule, reason) = RunLength.stepper(named, problem: problem, steps: steps, segment: every, context: context)
        var report: RunReport
        switch problem.precision {
        case .double: report = try execute(problem, schedule, context, steps, resumption, Double.self)
        case .float: report = try execute(problem, schedule, context, steps, resumption, Float.self)
        }
        report.choice = reason
        report.plan = plan
        Terminal.standardOutput(json ? try jsonText(report) : report.text)
    }

    private func execute<Scalar: DiffusionScalar>(
        _ problem: Problem, _ schedule: any Schedule, _ context: ExecutionContext, _ steps: Int, _ resumption: Resumption?,
        _: Scalar.Type
    ) throws -> RunReport {
        var simulation: Simulation<Scalar>
        if let resumption {
            simulation = try Simulation(problem: problem, schedule: schedule, context: context, allowUnstable: true,
                                        resuming: try resumption.grid(Scalar.self), atStep: resumption.info.step)
        } else {
            simulation = try Simulation<Scalar>(problem: problem, schedule: schedule, context: context, allowUnstable: model.allowUnstable)
        }
        let start = simulation.step
        let end = start + steps
        let checkpointer = Checkpointer(path: checkpointPath, interval: try checkpointEvery.map { try CheckpointInterval(parsing: $0) })
        simulation.shouldPause = { SignalHandling.interrupted || checkpointer.timeIsDue }
        let resolved = (schedule as? AutoSchedule)?.choice(for: problem, context: context) ?? schedule
        func info() -> CheckpointFile.Info {
            CheckpointFile.Info(problem: problem, step: simulation.step, iterations: end, schedule: resolved.descriptor.name)
        }
        let initial = FieldSummary(simulation.grid, dx: problem.dx)
        var written: [String] = []
        let digits = String(end).count
        var animation = animate.map { RunAnimation(path: $0, problem: problem) }
        func snapshot() throws {
            guard let every, simulation.step % every == 0 else { return }
            try animation?.add(simulation.grid)
            guard let outputDir else { return }
            let number = String(simulation.step)
            let name = "step_" + String(repeating: "0", count: max(0, digits - number.count)) + number + ".npy"
            let path = outputDir.hasSuffix("/") ? outputDir + name : outputDir + "/" + name
            try NPYFile.write(simulation.grid, to: path)
            written.append(path)
        }
        let progress = ProgressBar(total: end - start, label: "\(schedule.descriptor.name)")
        defer { progress.finish() }
        try snapshot()
        while simulation.step < end, !SignalHandling.interrupted {
            // Advance to the next snapshot or step checkpoint, or to the end.
            let target = [every.map { (simulation.step / $0 + 1) * $0 }, checkpointer.nextStep(after: simulation.step), end]
                .compactMap { $0 }.min()!
            try simulation.advance(steps: target - simulation.step) { progress.update($0 - start) }
            if SignalHandling.interrupted { break }
            try snapshot()
            if simulation.step < end, checkpointer.isDue(at: simulation.step) { try checkpointer.save(simulation.grid, info: info()) }
        }
        progress.finish()
        if SignalHandling.interrupted {
            try Interruption.stop(at: simulation.step, of: end, saving: checkpointer.save(simulation.grid, info: info()))
        }
        if let saved = try checkpointer.save(simulation.grid, info: info()) { written.append(saved) }
        let final = FieldSummary(simulation.grid, dx: problem.dx)
        if let output {
            if output.hasSuffix(".csv") {
                try CSVFile.write(simulation.grid, to: output)
            } else {
                try NPYFile.write(simulation.grid, to: output)
            }
            written.append(output)
        }
        if let png {
            try PNGFile.write(simulation.grid, to: png)
            written.append(png)
        }
        if let animation { written.append(try animation.write()) }
        if SignalHandling.interrupted {
            try Interruption.stop(at: simulation.step, of: end, saving: checkpointPath, finished: true)
        }
        return RunReport(
            problem: problem, variant: variant, schedule: resolved.descriptor.name,
            threads: schedule.threads(for: problem, context: context),
            iterations: end - start, elapsed: simulation.steppingSeconds, initial: initial, final: final, files: written)
    }
}

/// What `diffuse run` reports, as text or JSON.
struct RunReport: Encodable {
    let rows: Int, cols: Int, iterations: Int
    let boundary: String, initial: String, precision: String
    let diffusivity: Double, dt: Double, dx: Double, coefficient: Double
    let variant: String, schedule: String, threads: Int
    let elapsedSeconds: Double, perIterationSeconds: Double, updatesPerSecond: Double
    let mass: Double, initialMass: Double, relativeMassDrift: Double
    let min: Double, max: Double
    let files: [String]
    /// Why `auto` chose the schedule it did (nil for a named variant).
    var choice: String?
    /// `auto`'s plan: schedule, parameters, source and why (nil for a named variant).
    var plan: Plan?
    /// The process's peak resident memory (VmHWM), when the system says.
    let peakMemoryBytes: Int? = try? MemoryUsage.current().peakResidentBytes

    enum CodingKeys: String, CodingKey {
        case rows, cols, iterations, boundary, initial, precision, diffusivity, dt, dx, coefficient, variant, schedule, threads
        case elapsedSeconds = "elapsed_s", perIterationSeconds = "per_iteration_s", updatesPerSecond = "updates_per_s"
        case mass, initialMass = "initial_mass", relativeMassDrift = "relative_mass_drift", min, max, files, choice, plan
        case peakMemoryBytes = "peak_memory_bytes"
    }

    init(problem: Problem, variant: String, schedule: String, threads: Int, iterations: Int, elapsed: Double,
         initial: FieldSummary, final: FieldSummary, files: [String]) {
        rows = problem.rows
        cols = problem.cols
        self.iterations = iterations
        boundary = problem.boundary.description
        self.initial = problem.initial.description
        precision = problem.precision.rawValue
        diffusivity = problem.diffusivity
        dt = problem.dt
        dx = problem.dx
        coefficient = problem.coefficient
        self.variant = variant
        self.schedule = schedule
        self.threads = threads
        elapsedSeconds = elapsed
        perIterationSeconds = iterations > 0 ? elapsed / Double(iterations) : 0
        updatesPerSecond = elapsed > 0 ? Double(problem.cellCount) * Double(iterations) / elapsed : 0
        mass = final.mass
        initialMass = initial.mass
        relativeMassDrift = final.relativeDrift(from: initial)
        min = final.minimum
        max = final.maximum
        self.files = files
    }

    var text: String {
        var lines = [
            "grid        \(rows)×\(cols), \(boundary), initial \(initial), \(precision)",
            "model       D = \(formatNumber(diffusivity)), dt = \(formatNumber(dt)), dx = \(formatNumber(dx)), D·dt/dx² = \(formatNumber(coefficient))",
            "steps       \(iterations) with \(variant == schedule ? variant : "\(variant) → \(schedule)")\(threads > 1 ? " on \(threads) threads" : "")",
            "elapsed     \(formatSeconds(elapsedSeconds)) (\(formatSeconds(perIterationSeconds)) per step)",
            "throughput  \(formatRate(updatesPerSecond)) cell updates/s",
            "mass        \(formatNumber(mass)) (initial \(formatNumber(initialMass)), relative drift \(String(format: "%.2e", relativeMassDrift)))",
            "min, max    \(formatNumber(min)), \(formatNumber(max))",
        ]
        // The plan's line where it says more than the choice's (its parameters and source).
        if let plan, !(choice ?? "").contains(plan.reason) { lines.insert("plan        \(plan.summary) — \(plan.reason)", at: 3) }
        if let choice { lines.insert("choice      \(choice)", at: 3) }
        for file in files { lines.append("wrote       \(file)") }
        return lines.joined(separator: "\n") + "\n"
    }
}
