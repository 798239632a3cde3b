import ArgumentParser
import PerfKit
import Workbench

/// `diffuse info`: what the numbers were measured on.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show the machine: CPU, cores, memory, caches (with cache fit), counters, build.",
        discussion: """
            Everything a timing depends on: the CPU model and the logical CPUs this process may \
            use (containers and taskset can allow fewer than are online), physical memory, each \
            cache level from /sys/devices/system/cpu (size, line, associativity, which CPUs share \
            it), which perf events this machine can count, and how diffuse was built (compiler, \
            debug or release, -target-cpu native or baseline).

            Cache fit is the seed's arithmetic: a step reads one grid and writes another, so two \
            Double grids must fit for a step to stay in a cache; the largest square grid that \
            does is ⌊√(size / 8 B / 2)⌋ (a 32 MiB L3: 1448 × 1448). `diffuse sweep` shows what \
            happens beyond it.

            The JSON holds, under "machine", what plans are made for (cores, caches, vector \
            width): save it and pass it to run, bench, stat, profile or sweep with --machine \
            FILE.json to plan as if on this machine elsewhere.

            Examples:
              diffuse info
              diffuse info --format json > here.json
              diffuse run --machine here.json --json
            """
    )

    @Option(name: .long, help: "Output format.")
    var format: ReportFormat = .text

    func validate() throws {
    }

    func run() throws {
        let report = MachineReport(Machine.current())
        Terminal.standardOutput(try format.render(report, text: \.text))
    }
}
