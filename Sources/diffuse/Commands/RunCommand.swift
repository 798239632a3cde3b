import ArgumentParser
import DiffusionKit
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
            """
    )

    @OptionGroup(title: "Model") var model: ModelOptions
    @OptionGroup(title: "Machine") var machineOptions: MachineOptions
    @OptionGroup(title: "Planning (auto)") var planOptions: PlanOptions

    @Option(name: .long, help: "Number of explicit-Euler steps.")
    var iterations: Int = 500

    @Option(name: .long, help: ArgumentHelp("Schedule that steps the field (see `diffuse variants`); auto picks the fastest for the workload.", valueName: "name"))
    var variant: String = "auto"

    @Option(name: .long, help: ArgumentHelp("Threads for parallel schedules (0: all cores).", valueName: "n"))
    var threads: Int = 0

    @Option(name: .long, help: ArgumentHelp("Write the final field: FILE.npy (NumPy, loads with numpy.load) or FILE.csv (one line per row).", valueName: "file"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("Write a heatmap of the final field (viridis colour map).", valueName: "file.png"))
    var png: String?

    @Option(name: .long, help: ArgumentHelp("Write a snapshot .npy every K steps (with --output-dir), step 0 included.", valueName: "K"))
    var every: Int?

    @Option(name: .long, help: ArgumentHelp("Folder for the snapshots of --every (created if missing).", valueName: "dir"))
    var outputDir: String?

    @Flag(name: .long, help: "Print the summary as one JSON object.")
    var json = false

    func validate() throws {
        guard iterations >= 0 else { throw ValidationError("--iterations must be 0 or more, got \(iterations)") }
        guard threads >= 0 else { throw ValidationError("--threads must be 0 (all cores) or more, got \(threads)") }
        if let output {
            guard output.hasSuffix(".npy") || output.hasSuffix(".csv") else {
                throw ValidationError("--output \(output): expected a file name ending in .npy or .csv")
            }
        }
        if let png, !png.lowercased().hasSuffix(".png") {
            throw ValidationError("--png \(png): expected a file name ending in .png")
        }
        switch (every, outputDir) {
        case (nil, nil): break
        case (let k?, _?): guard k >= 1 else { throw ValidationError("--every must be at least 1, got \(k)") }
        case (_?, nil): throw ValidationError("--every needs --output-dir DIR for the snapshots")
        case (nil, _?): throw ValidationError("--output-dir needs --every K (how often to write a snapshot)")
        }
    }

    func run() throws {
        let problem = try model.problem()
        var schedule = try ScheduleRegistry.named(variant)
        // Check every destination before the run: a long run must not end in
        // an error about a folder that never existed.
        if let output { try OutputFolder.checkWritable(file: output) }
        if let png { try OutputFolder.checkWritable(file: png) }
        if let outputDir { try OutputFolder.prepare(outputDir) }
        let context = ExecutionContext(threads: threads, machine: try machineOptions.description())
        var plan: Plan?
        if schedule is AutoSchedule {
            let (auto, plans) = try planOptions.autoSchedule(for: [problem], steps: iterations, context: context)
            (schedule, plan) = (auto, plans[problem])
        }
        var report: RunReport
        switch problem.precision {
        case .double: report = try execute(problem, schedule, context, Double.self)
        case .float: report = try execute(problem, schedule, context, Float.self)
        }
        report.plan = plan
        Terminal.standardOutput(json ? try jsonText(report) : report.text)
    }

    private func execute<Scalar: DiffusionScalar>(
        _ problem: Problem, _ schedule: any Schedule, _ context: ExecutionContext, _: Scalar.Type
    ) throws -> RunReport {
        var simulation = try Simulation<Scalar>(problem: problem, schedule: schedule, context: context, allowUnstable: model.allowUnstable)
        let initial = FieldSummary(simulation.grid, dx: problem.dx)
        var written: [String] = []
        let digits = String(iterations).count
        func snapshot() throws {
            guard let outputDir, let every, simulation.step % every == 0 else { return }
            let number = String(simulation.step)
            let name = "step_" + String(repeating: "0", count: digits - number.count) + number + ".npy"
            let path = outputDir.hasSuffix("/") ? outputDir + name : outputDir + "/" + name
            try NPYFile.write(simulation.grid, to: path)
            written.append(path)
        }
        let progress = ProgressBar(total: iterations, label: "\(schedule.descriptor.name)")
        defer { progress.finish() }
        try snapshot()
        while simulation.step < iterations {
            // Advance to the next snapshot, or to the end.
            let target = every.map { min(iterations, (simulation.step / $0 + 1) * $0) } ?? iterations
            try simulation.advance(steps: target - simulation.step) { progress.update($0) }
            try snapshot()
        }
        progress.finish()
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
        let resolved = (schedule as? AutoSchedule)?.choice(for: problem, context: context) ?? schedule
        return RunReport(
            problem: problem, variant: schedule.descriptor.name, schedule: resolved.descriptor.name,
            threads: schedule.threads(for: problem, context: context),
            iterations: iterations, elapsed: simulation.steppingSeconds, initial: initial, final: final, files: written)
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
    /// `auto`'s plan: schedule, parameters, source and why.
    var plan: Plan?

    enum CodingKeys: String, CodingKey {
        case rows, cols, iterations, boundary, initial, precision, diffusivity, dt, dx, coefficient, variant, schedule, threads
        case elapsedSeconds = "elapsed_s", perIterationSeconds = "per_iteration_s", updatesPerSecond = "updates_per_s"
        case mass, initialMass = "initial_mass", relativeMassDrift = "relative_mass_drift", min, max, files, plan
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
        if let plan { lines.insert("plan        \(plan.summary) — \(plan.reason)", at: 3) }
        for file in files { lines.append("wrote       \(file)") }
        return lines.joined(separator: "\n") + "\n"
    }
}
