import ArgumentParser
import DiffusionKit
import PerfKit
import Workbench

/// `diffuse stat`: `perf stat -r` for the stepping of one schedule.
struct StatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stat",
        abstract: "Count CPU events (perf stat) over the stepping of a schedule, or compare every schedule.",
        discussion: """
            The seed ran `perf stat -e cycles,…,migrations -r 3 python diffusion.py`, which counts \
            the interpreter's start-up too. `diffuse stat` counts only the stepping: the reference \
            solver first computes the workload's field; a warm-up run of the schedule must agree \
            with it (the correctness gate of `diffuse bench`), or the command stops with an error \
            and shows no numbers; then --repeat runs are counted, each starting from the initial \
            field (the copy is not counted). The block is perf's, with the mean of each event, \
            "( +- x% )" for the spread over runs and the elapsed time.

            Hardware events (cycles, instructions, cache and branch events) need a CPU that \
            exposes its counters: most virtual machines do not, and those events print \
            <not supported>, never a made-up 0. Software events (task-clock, faults, cs, \
            migrations) are counted by the kernel and always have values. With \
            /proc/sys/kernel/perf_event_paranoid at 2, kernel time is excluded (":u").

            --all prints one table for every schedule: time, cycles, instructions, IPC, \
            cache-miss and branch-miss rates, page faults, context switches and heap \
            allocations per step once a run is under way (a run of 3k steps' less a run of k's, each the fewest of two, \
            over 2k; k is --iterations, at most 32).

            Events: cycles, stalled-cycles-frontend, stalled-cycles-backend, instructions, \
            cache-references, cache-misses, branches, branch-misses, task-clock, page-faults \
            (faults), minor-faults, major-faults, context-switches (cs), cpu-migrations (migrations).

            Examples:
              diffuse stat --variant fused
              diffuse stat --variant in-place --iterations 100 --repeat 5
              diffuse stat --variant fused --events task-clock,faults,cs --format json
              diffuse stat --all --size 256 --iterations 100
            """
    )

    @OptionGroup(title: "Model") var model: ModelOptions
    @OptionGroup(title: "Machine") var machineOptions: MachineOptions

    @Option(name: .long, help: ArgumentHelp("Schedule to count (see `diffuse variants`; default fused).", valueName: "name"))
    var variant: String?

    @Flag(name: .long, help: "Count every schedule and print one comparison table.")
    var all = false

    @Option(name: .long, parsing: .unconditional, help: "Steps per run.")
    var iterations: Int = 500

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Threads for parallel schedules (0: all cores).", valueName: "n"))
    var threads: Int = 0

    @Option(name: .customLong("repeat"), help: ArgumentHelp("Counted runs (perf's -r).", valueName: "n"))
    var repeats: Int = 3

    @Option(name: .long, help: ArgumentHelp("Comma-separated events (default: the seed's list).", valueName: "a,b,…"))
    var events: String?

    @Option(name: .long, help: "Output format.")
    var format: ReportFormat = .text

    func validate() throws {
        guard iterations >= 1 else { throw ValidationError("--iterations must be at least 1, got \(iterations)") }
        try ThreadCount.validate(threads)
        guard repeats >= 1 else { throw ValidationError("--repeat must be at least 1, got \(repeats)") }
        if let events {
            do { _ = try PerfEvent.parseList(events) } catch { throw ValidationError("--events: \(error)") }
        }
        if all, events != nil { throw ValidationError("--events applies to one variant; --all counts a fixed set of events") }
        if all, variant != nil { throw ValidationError("give either --variant NAME or --all, not both") }
    }

    func run() throws {
        let problem = try model.problem()
        var plan = StatPlan(problem: problem, iterations: iterations, threads: threads, repeats: repeats,
                            events: try events.map { try PerfEvent.parseList($0) } ?? PerfEvent.seedEvents)
        plan.machine = try machineOptions.description()
        if all {
            let runner = StatRunner(plan: plan, meter: PerfKitRunMeter())
            let progress = StatProgress()
            let comparison = try runner.compare(ScheduleRegistry.distinct) { progress.show("[\($1)/\($2)] \($0)…") }
            progress.finish()
            Terminal.standardOutput(try format.render(comparison, text: \.text))
            return
        }
        let schedule = try ScheduleRegistry.named(variant ?? "fused")
        let result = try StatRunner(plan: plan).stat(schedule)
        Terminal.standardOutput(try format.render(result, text: \.text))
    }
}

/// One redrawn progress line on standard error, when it is a terminal.
final class StatProgress {
    private let enabled = Terminal.standardErrorIsTerminal
    private var drawn = false

    func show(_ text: String) {
        guard enabled else { return }
        drawn = true
        Terminal.standardError("\r\u{1B}[2K" + text)
    }

    func finish() {
        if drawn { Terminal.standardError("\r\u{1B}[2K") }
    }
}
