import ArgumentParser
import DiffusionKit
import Foundation
import PerfKit
import Workbench

/// `diffuse report`: the bench, the sweep, the roofline and the field on one self-contained HTML page.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained HTML page with the Wrap Up, the size sweep, the roofline and the field as charts.",
        discussion: """
            With --from, the page is drawn from saved bench JSON (`diffuse bench --format json`); \
            otherwise the bench runs first, with the options below. Then the workload is stepped once \
            more with the fastest verified schedule to show the field (heat maps at --frames steps, \
            one colour scale, and the mass drift). The size sweep comes from --sweep files \
            (`diffuse sweep --format json`), or a short sweep of the three fastest schedules is \
            measured here (--sweep-to, or --no-sweep).

            The page has no network resource: CSS, SVG charts and images are inline, so it opens \
            from file:// and can be mailed as it is. It prints well, too.

            Examples:
              diffuse report                      # bench, sweep, field: about a minute
              diffuse bench --peers --format json > bench.json
              diffuse report --from bench.json --output bench.html
              diffuse report --from bench.json --sweep sweep-temporal.json
              diffuse report --size 256 --variants fused,simd,temporal --no-sweep
            """
    )

    @OptionGroup(title: "Model (when the bench runs here)") var model: ModelOptions

    @Option(name: .long, help: "Steps per run (when the bench runs here).")
    var iterations: Int = 500

    @Option(name: .long, help: ArgumentHelp("Comma-separated schedules to bench (default: all but reference and auto).", valueName: "a,b,…"))
    var variants: String?

    @Option(name: .long, help: ArgumentHelp("Seconds of timed runs per schedule after its warm-up.", valueName: "seconds"))
    var budget: Double = 1

    @Option(name: .long, help: "Timed runs per schedule at the least.")
    var minRuns: Int = 3

    @Option(name: .long, help: ArgumentHelp("Threads for parallel schedules and peers (0: all cores).", valueName: "n"))
    var threads: Int = 0

    @Flag(name: .long, help: "Also bench the project's NumPy, numexpr, SciPy, Numba and C peers.")
    var peers = false

    @Flag(name: .long, inversion: .prefixedNo, help: "Measure this machine's ceilings first, for the roofline chart.")
    var roofline = true

    @Option(name: .long, help: ArgumentHelp("Saved bench JSON to draw instead of running the bench (repeatable: the workloads are joined).", valueName: "bench.json"))
    var from: [String] = []

    @Option(name: .long, help: ArgumentHelp("Saved sweep JSON (`diffuse sweep --format json`), one line per file (repeatable).", valueName: "sweep.json"))
    var sweep: [String] = []

    @Option(name: .long, help: ArgumentHelp("Largest grid side of the short sweep measured when no --sweep is given.", valueName: "n"))
    var sweepTo: Int = 2048

    @Flag(name: .long, help: "Measure no sweep when no --sweep is given.")
    var noSweep = false

    @Option(name: .long, help: ArgumentHelp("Heat maps of the field, evenly spaced from step 0 to the last (2 to 24).", valueName: "n"))
    var frames: Int = 6

    @Option(name: .long, help: ArgumentHelp("The HTML file to write.", valueName: "file.html"))
    var output: String = "report.html"

    func validate() throws {
        guard iterations >= 1 else { throw ValidationError("--iterations must be at least 1, got \(iterations)") }
        guard budget >= 0, budget.isFinite else { throw ValidationError("--budget must be a number of seconds ≥ 0, got \(budget)") }
        guard minRuns >= 1 else { throw ValidationError("--min-runs must be at least 1, got \(minRuns)") }
        guard threads >= 0 else { throw ValidationError("--threads must be 0 (all cores) or more, got \(threads)") }
        guard (2 ... 24).contains(frames) else { throw ValidationError("--frames must be 2 to 24, got \(frames)") }
        guard sweepTo >= 64 else { throw ValidationError("--sweep-to must be at least 64 (the sweep starts there), got \(sweepTo)") }
        let lowered = output.lowercased()
        guard lowered.hasSuffix(".html") || lowered.hasSuffix(".htm") else {
            throw ValidationError("--output \(output): expected a file name ending in .html")
        }
        if !from.isEmpty, model.size != nil || variants != nil || peers {
            throw ValidationError("--from draws a saved bench: --size, --variants and --peers apply only when the bench runs here")
        }
    }

    func run() throws {
        try OutputFolder.checkWritable(file: output)
        // Saved data is read before anything is measured: a wrong path fails at once.
        let savedBench = from.isEmpty ? nil : try ReportData.loadBench(from)
        let savedSweeps = try ReportData.loadSweeps(sweep)
        let bench = try savedBench ?? ReportData.runBench(self)
        guard let workload = bench.workloads.first else {
            throw CommandFailure("--from \(from.first ?? "the bench"): the bench holds no workload")
        }
        let fastest = ReportContent(bench: bench).fastestSchedule
        let (sweeps, sweepSource) = savedSweeps.isEmpty
            ? try ReportData.measureSweeps(self, bench: bench)
            : (savedSweeps, "Read from " + sweep.joined(separator: ", ") + ".")
        var field: FieldFilm?, fieldNote: String?
        if let fastest {
            do {
                Terminal.standardError("stepping the workload once more with \(fastest) for the field…\n")
                field = try FieldFilm.record(problem: workload.workload.problem(), iterations: workload.workload.iterations,
                                             schedule: ScheduleRegistry.named(fastest), frames: frames, threads: threads)
            } catch {
                fieldNote = "The workload could not be stepped again with \(fastest): \(error)"
            }
        } else {
            fieldNote = "No Diffuse schedule was verified and ranked, so there is no schedule to step the field with."
        }
        let benchFile = from.first ?? "bench.json"
        let sweepFiles = sweep.isEmpty ? sweeps.map { "sweep-\($0.variant).json" } : sweep
        let content = ReportContent(
            bench: bench, sweeps: sweeps, sweepSource: sweepSource, field: field, fieldNote: fieldNote,
            commands: ReproductionCommands.all(bench: bench, sweeps: sweeps, fieldSchedule: fastest, frames: frames,
                                               benchFile: benchFile, sweepFiles: sweepFiles),
            benchSource: from.isEmpty ? "measured when this page was made" : "read from " + from.joined(separator: ", "))
        let html = ReportPage.html(content)
        try TextFile.write(html, to: output)
        Terminal.standardOutput("wrote \(output) (\(formatBytes(html.utf8.count)))\n")
    }
}
