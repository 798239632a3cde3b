import ArgumentParser
import DiffusionKit
import DistributedDiffusion
import Foundation
import Workbench

/// `diffuse scale`: strong and weak scaling of the distributed run, measured
/// by launching `mpirun` itself, and a model projecting past this machine.
struct ScaleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale",
        abstract: "Measure strong and weak scaling under mpirun, and project to thousands of ranks.",
        discussion: """
            Runs `mpirun -np P diffuse run … --json` for each P of --ranks and prints: strong scaling \
            (the same grid; speedup and efficiency against one rank), weak scaling (the grid grows \
            with P so each rank keeps the one-rank grid), the largest P with halos 1 deep beside the \
            chosen depth (messages per step fall h-fold), and a projection (a model, not a \
            measurement) of a large grid on up to thousands of ranks from one rank's measured compute \
            rate and the network you state. Needs a diffuse built with the MPI trait \
            (swift build -c release --traits NativeCPU,MPI).

            Examples:
              diffuse scale --ranks 1,2 --size 4096 --iterations 50 --boundary reflecting
              diffuse scale --ranks 1,2,4 --size 1024 --mpirun /usr/bin/mpirun --bandwidth 25 --latency 5
            """
    )

    @OptionGroup(title: "Model") var model: ModelOptions

    @Option(name: .long, help: ArgumentHelp("Process counts to run, comma-separated.", valueName: "P,P,…"))
    var ranks: String = "1,2"

    @Option(name: .long, help: "Steps of each run.")
    var iterations: Int = 50

    @Option(name: .long, help: ArgumentHelp("Schedule each rank steps its block with.", valueName: "name"))
    var variant: String = "auto"

    @Option(name: .long, help: ArgumentHelp("Threads per rank.", valueName: "n"))
    var threads: Int = 1

    @Option(name: .long, help: ArgumentHelp("Halo depth (default: the run's automatic depth).", valueName: "h"))
    var haloDepth: Int?

    @Option(name: .long, help: ArgumentHelp("The MPI launcher (default: mpirun on PATH).", valueName: "path"))
    var mpirun: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Arguments for the launcher before -np (default for Open MPI: --oversubscribe).", valueName: "args"))
    var mpirunArgs: String = "--oversubscribe"

    @Option(name: .long, help: ArgumentHelp("Projection: network bandwidth in Gb/s.", valueName: "Gb/s"))
    var bandwidth: Double = 100

    @Option(name: .long, help: ArgumentHelp("Projection: message latency in µs.", valueName: "µs"))
    var latency: Double = 2

    @Option(name: .long, help: ArgumentHelp("Projection: the grid side.", valueName: "N"))
    var projectSize: Int = 65536

    @Option(name: .long, help: ArgumentHelp("Projection: the most ranks.", valueName: "P"))
    var projectRanks: Int = 4096

    func validate() throws {
        guard !rankList.isEmpty, rankList.allSatisfy({ $0 >= 1 }) else {
            throw ValidationError("--ranks \(ranks): expected process counts ≥ 1 separated by commas, e.g. 1,2,4")
        }
        guard iterations >= 1 else { throw ValidationError("--iterations must be at least 1, got \(iterations)") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1 per rank, got \(threads)") }
        if let haloDepth, haloDepth < 1 { throw ValidationError("--halo-depth must be at least 1, got \(haloDepth)") }
        guard bandwidth > 0, latency >= 0 else { throw ValidationError("--bandwidth must be positive and --latency not negative") }
        guard projectSize >= 3, projectRanks >= 1 else { throw ValidationError("--project-size must be at least 3 and --project-ranks at least 1") }
    }

    private var rankList: [Int] {
        ranks.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    func run() throws {
        guard MPILaunch.isBuiltIn else {
            throw CommandFailure("this diffuse was built without MPI: build with `\(MPILaunch.buildCommand)` (\(MPILaunch.installHint))")
        }
        let problem = try model.problem()
        let launcher = try locateLauncher()
        let study = ScalingStudy(
            launcher: launcher, launcherArguments: mpirunArgs.split(separator: " ").map(String.init),
            executable: Self.executablePath(), runArguments: forwardedArguments(),
            rows: problem.rows, cols: problem.cols)
        let counts = Array(Set(rankList)).sorted()
        func show(_ text: String) { Terminal.standardOutput(text) }

        // Strong scaling.
        show("strong scaling (measured): \(problem.rows)×\(problem.cols), \(iterations) steps, \(problem.boundary), \(problem.precision), \(threads) thread\(threads == 1 ? "" : "s") per rank\n")
        show(row(["ranks", "grid", "halo", "time", "speedup", "efficiency", "halo time", "messages/step", "halo bytes/step"]))
        var strong: [ScalingStudy.Measurement] = []
        for p in counts {
            let m = try measure(study, p, problem.rows, problem.cols)
            strong.append(m)
            let base = strong[0]
            let speedup = base.elapsedSeconds / m.elapsedSeconds
            let scale = Double(p) / Double(base.ranks)
            show(row(["\(p)", "\(m.decomposition[0])×\(m.decomposition[1])", "\(m.haloDepth)", formatSeconds(m.elapsedSeconds),
                      String(format: "%.2f×", speedup), String(format: "%.0f %%", speedup / scale * 100),
                      String(format: "%.1f %%", m.haloShare * 100), formatNumber(m.messagesPerStep), formatBytes(Int(m.haloBytesPerStep.rounded()))]))
        }

        // Weak scaling (not for a file's fixed shape).
        if case .file = problem.initial {
            show("\nweak scaling: skipped (the --initial file fixes the grid's shape)\n")
        } else {
            show("\nweak scaling (measured): \(problem.rows)×\(problem.cols) cells per rank\n")
            show(row(["ranks", "grid", "time", "efficiency"]))
            var first: Double? = nil
            for p in counts {
                let shape = ScalingStudy.weakShape(rows: problem.rows, cols: problem.cols, ranks: p)
                let m = try measure(study, p, shape.rows, shape.cols)
                let base = first ?? m.elapsedSeconds
                first = base
                show(row(["\(p)", "\(shape.rows)×\(shape.cols)", formatSeconds(m.elapsedSeconds), String(format: "%.0f %%", base / m.elapsedSeconds * 100)]))
            }
        }

        // Deep against shallow halos at the largest P.
        var shallowRate: Double? = nil
        if let last = strong.last, last.haloDepth > 1 {
            show("\nhalo depth at \(last.ranks) ranks (measured)\n")
            show(row(["depth", "time", "messages/step", "halo bytes/step", "halo time"]))
            let shallow = try measure(study, last.ranks, problem.rows, problem.cols, extra: ["--halo-depth", "1"])
            for m in [shallow, last] {
                show(row(["\(m.haloDepth)", formatSeconds(m.elapsedSeconds), formatNumber(m.messagesPerStep),
                          formatBytes(Int(m.haloBytesPerStep.rounded())), String(format: "%.1f %%", m.haloShare * 100)]))
            }
            show(String(format: "messages per step: %.1f× fewer with halos %d deep\n", shallow.messagesPerStep / max(last.messagesPerStep, 1e-300), last.haloDepth))
            shallowRate = shallow.computeRatePerRank
        }

        // Projection.
        // Deep halos step many steps per call (temporal blocking); halos 1
        // deep step one at a time, which the h = 1 run's rate reflects.
        let rate = strong[0].computeRatePerRank
        let rateOne = shallowRate ?? rate
        let modelled = ScalingModel(updatesPerSecond: rate, bandwidthBitsPerSecond: bandwidth * 1e9, latencySeconds: latency * 1e-6)
        var modelledOne = modelled
        modelledOne.updatesPerSecond = rateOne
        show("\nprojection (a model, not a measurement): \(projectSize)×\(projectSize), \(problem.boundary), \(problem.precision); "
             + "one rank computes \(formatRate(rate)) cell updates/s (measured at \(strong[0].ranks) rank\(strong[0].ranks == 1 ? "" : "s"))"
             + (shallowRate == nil ? "" : ", \(formatRate(rateOne))/s with halos 1 deep (measured at \(strong.last!.ranks) ranks, halo time taken out)")
             + "; network \(formatNumber(bandwidth)) Gb/s, \(formatNumber(latency)) µs per message; no overlap; efficiency against one rank with deep halos\n")
        show(row(["ranks", "grid", "h=1 step", "efficiency", "messages/step", "deep h", "step", "efficiency", "messages/step"]))
        let periodic = problem.boundary == .periodic
        let bytes = problem.precision.byteWidth
        let one = modelled.project(rows: projectSize, cols: projectSize, ranks: 1, haloDepth: haloDepth, bytesPerCell: bytes, periodic: periodic)
        var p = 1
        while p <= projectRanks {
            let shallow = modelledOne.project(rows: projectSize, cols: projectSize, ranks: p, haloDepth: 1, bytesPerCell: bytes, periodic: periodic)
            let deep = modelled.project(rows: projectSize, cols: projectSize, ranks: p, haloDepth: haloDepth, bytesPerCell: bytes, periodic: periodic)
            func efficiency(_ point: ScalingModel.Point?) -> String {
                guard let point, let one else { return "–" }
                return String(format: "%.0f %%", one.stepSeconds / (point.stepSeconds * Double(p)) * 100)
            }
            let grid = shallow.map { "\($0.processRows)×\($0.processCols)" } ?? "–"
            show(row([String(p), grid,
                      shallow.map { formatSeconds($0.stepSeconds) } ?? "–", efficiency(shallow), shallow.map { formatNumber($0.traffic.messagesPerStep) } ?? "–",
                      deep.map { String($0.haloDepth) } ?? "–", deep.map { formatSeconds($0.stepSeconds) } ?? "–", efficiency(deep),
                      deep.map { formatNumber($0.traffic.messagesPerStep) } ?? "–"]))
            p *= 4
        }
    }

    private func measure(_ study: ScalingStudy, _ p: Int, _ rows: Int, _ cols: Int, extra: [String] = []) throws -> ScalingStudy.Measurement {
        Terminal.standardError("running \(p) rank\(p == 1 ? "" : "s") on \(rows)×\(cols)…\n")
        do { return try study.measure(ranks: p, rows: rows, cols: cols, extra: extra) } catch { throw CommandFailure(error.description) }
    }

    /// `run`'s options as given here, without --size (each run sets its own).
    private func forwardedArguments() -> [String] {
        var args = ["--iterations", String(iterations), "--variant", variant, "--threads", String(threads),
                    "--diffusivity", String(model.diffusivity), "--dt", String(model.dt), "--dx", String(model.dx),
                    "--boundary", model.boundary, "--initial", model.initial, "--precision", model.precision]
        if let width = model.width { args += ["--width", String(width)] }
        if model.allowUnstable { args.append("--allow-unstable") }
        if let haloDepth { args += ["--halo-depth", String(haloDepth)] }
        return args
    }

    private func locateLauncher() throws -> URL {
        if let mpirun {
            guard FileManager.default.isExecutableFile(atPath: mpirun) else { throw CommandFailure("--mpirun \(mpirun): not an executable file") }
            return URL(fileURLWithPath: mpirun)
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/mpirun"
            if FileManager.default.isExecutableFile(atPath: candidate) { return URL(fileURLWithPath: candidate) }
        }
        throw CommandFailure("mpirun is not on PATH: install Open MPI (\(MPILaunch.installHint)) or pass --mpirun PATH")
    }

    /// This executable's absolute path, for the ranks to run.
    private static func executablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    private func row(_ cells: [String]) -> String {
        let widths = [7, 11, 10, 10, 10, 11, 11, 14, 15]
        return zip(cells, widths + Array(repeating: 12, count: max(0, cells.count - widths.count)))
            .map { $0.0.padding(toLength: max($0.1, $0.0.count + 1), withPad: " ", startingAt: 0) }
            .joined().trimmingCharacters(in: .whitespaces) + "\n"
    }
}
