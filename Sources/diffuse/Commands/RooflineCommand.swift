import ArgumentParser
import DiffusionKit
import Foundation
import PerfKit
import Workbench

/// `diffuse roofline`: this machine's roofs, and where schedules sit under them.
struct RooflineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roofline",
        abstract: "Measure this machine's roofs (compute, L1, L2, L3, memory) and each schedule's share of the one that bounds it.",
        discussion: """
            The roofs come from microbenchmarks and first principles, never from this project's stencil. \
            Compute: peak vector add and FMA throughput, double and float, on one core and all, from independent \
            accumulator chains (as likwid-bench's peakflops). Memory: load, copy, triad and eight-stream load bandwidth with working \
            sets sized from the caches (half of L1d, half of L2, half of the last level's share, 4× the last level), \
            on one core and all, bytes counted as STREAM counts them. \
            Then each --variants schedule runs the workload (verified first), and gets its flops and bytes per \
            update at each level (a lower bound: temporal blocking's bytes from memory shrink with its depth), \
            the rate each roof allows, the lowest of them (the bound) and the share of it reached. That share \
            cannot pass 100 % unless the model is wrong, and then it says so. Where likwid-bench is installed \
            (Debian: likwid) its figures are printed beside ours.

            Examples:
              diffuse roofline
              diffuse roofline --size 4096 --iterations 50 --precision float
              diffuse roofline --variants simd,parallel,temporal,fused --format json
            """
    )

    @OptionGroup(title: "Model") var model: ModelOptions
    @OptionGroup(title: "Machine") var machineOptions: MachineOptions

    @Option(name: .long, parsing: .unconditional, help: "Steps per run of each schedule.")
    var iterations: Int = 100

    @Option(name: .long, help: ArgumentHelp("Comma-separated schedules to place under the roofs.", valueName: "a,b,…"))
    var variants: String = "simd,parallel,temporal,fused"

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Threads (0: all cores).", valueName: "n"))
    var threads: Int = 0

    @Option(name: .long, parsing: .unconditional, help: "Trials per microbenchmark (the best counts).")
    var trials: Int = 5

    @Flag(name: .long, inversion: .prefixedNo, help: "Run likwid-bench beside our microbenchmarks where it is installed.")
    var likwid = true

    @Option(name: .long, help: "Output format.")
    var format: ReportFormat = .text

    func validate() throws {
        try ThreadCount.validate(threads)
        guard trials >= 1 else { throw ValidationError("--trials must be at least 1, got \(trials)") }
        guard iterations >= 1 else { throw ValidationError("--iterations must be at least 1, got \(iterations)") }
        _ = try ScheduleList.names(variants)
    }

    func run() throws {
        let problem = try model.problem()
        let machine = try machineOptions.description()
        let schedules = try ScheduleList.schedules(variants)
        let roofs = MachineRoofsMeter(machine: machine, threads: threads, trials: trials)
            .measure(likwid: likwid) { Terminal.standardError($0 + "\n") }
        if likwid && !LikwidBench.isInstalled { Terminal.standardError("likwid-bench: not installed; \(LikwidBench.installHint)\n") }
        var plan = BenchPlan(problems: [problem], iterations: iterations, schedules: schedules, budget: 0.3, minimumRuns: 3, threads: threads)
        plan.machine = machine
        Terminal.standardError("placing \(schedules.map(\.descriptor.name).joined(separator: ", ")) on \(problem.rows)×\(problem.cols), \(iterations) steps…\n")
        let report = try BenchRunner(plan: plan).run(machine: Machine.current(), date: ISO8601DateFormatter().string(from: Date()))
            .applying(roofs: roofs, schedules: schedules, machine: machine, threads: threads)
        let rooflineReport = RooflineReport(roofs: roofs, workload: report.workloads[0].workload, results: report.workloads[0].results)
        let heading = "\(problem.rows)×\(problem.cols) \(problem.precision) \(problem.boundary), \(iterations) steps"
        Terminal.standardOutput(try format.render(rooflineReport) {
            RoofsFormatter.text($0.roofs) + "\n" + RoofsFormatter.scheduleTable($0.results, roofs: $0.roofs, heading: heading)
        })
    }
}

/// What `diffuse roofline --format json` prints.
struct RooflineReport: Encodable {
    let roofs: MachineRoofs
    let workload: BenchWorkload
    let results: [BenchResult]
}
