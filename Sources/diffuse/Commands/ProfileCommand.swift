import ArgumentParser
import DiffusionKit
import PerfKit
import Workbench

/// `diffuse profile`: `%lprun` for a schedule's phases.
struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Time each phase of a schedule over a run: the seed's %lprun, region by region.",
        discussion: """
            The seed ran line_profiler on run_experiment and saw one line, `evolve`, take 100 % \
            of the time. Here each schedule reports its own phases (nested: convert, allocate, \
            compute; in-place: copy, scale −4, roll, add roll, scale D·dt, add grid; fused-like \
            schedules a single step), and each phase is timed as a region. The table has \
            line_profiler's columns: Hits, Time and Per Hit in the timer unit (1 µs), % Time of \
            the run's total, and the phase. "(outside phases)" is the rest of the run — scratch \
            allocation, swaps, loop control, the timing itself — so the top-level rows account \
            for all of it; their percentages are rounded to add up to exactly 100.0. Nested \
            phases are indented under the phase they run in.

            One run from the initial field is profiled (the initial copy is not timed). Timing \
            each phase costs about two clock reads, which shows in "(outside phases)" for \
            schedules with many short phases on small grids.

            Examples:
              diffuse profile --variant in-place
              diffuse profile --variant nested --size 256 --iterations 50
              diffuse profile --variant whole-array --format json
            """
    )

    @OptionGroup(title: "Model") var model: ModelOptions
    @OptionGroup(title: "Machine") var machineOptions: MachineOptions

    @Option(name: .long, help: ArgumentHelp("Schedule to profile (see `diffuse variants`).", valueName: "name"))
    var variant: String

    @Option(name: .long, parsing: .unconditional, help: "Steps in the profiled run.")
    var iterations: Int = 500

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Threads for parallel schedules (0: all cores).", valueName: "n"))
    var threads: Int = 0

    @Option(name: .long, help: "Output format.")
    var format: ReportFormat = .text

    func validate() throws {
        guard iterations >= 1 else { throw ValidationError("--iterations must be at least 1, got \(iterations)") }
        try ThreadCount.validate(threads)
    }

    func run() throws {
        let problem = try model.problem()
        let schedule = try ScheduleRegistry.named(variant)
        var profiler = PhaseProfiler(problem: problem, iterations: iterations, threads: threads)
        profiler.machine = try machineOptions.description()
        let profile = try profiler.profile(schedule)
        Terminal.standardOutput(try format.render(profile) { $0.render() })
    }
}
