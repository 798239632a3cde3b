import ArgumentParser
import DiffusionKit
import PerfKit
import Workbench

/// `diffuse roofline`: this machine's ceilings for the stencil.
struct RooflineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roofline",
        abstract: "Measure this machine's ceilings: memory bandwidth and the in-cache update rate.",
        discussion: """
            Memory bandwidth is measured as STREAM does: copy (c = a) and triad (a = b + s·c) over \
            three arrays each four times the largest cache, on all cores, best of --trials, counting \
            16 and 24 bytes per element; the same kernels on arrays that fit in L3 give the L3 bandwidth. A schedule that does one step per pass over memory must move \
            at least 16 bytes per update in double precision (8 in single), so for grids larger than the \
            caches it cannot beat bandwidth ÷ 16 B updates per second; only temporal blocking gets past \
            that. The in-cache ceiling is the best rate any verified schedule reaches on a grid whose two \
            copies fill half the L2 caches of the cores used. `diffuse bench` measures both and shows each schedule's share of \
            the ceiling that applies to its working set.

            Examples:
              diffuse roofline
              diffuse roofline --precision float --format json
            """
    )

    @Option(name: .long, help: ArgumentHelp("Precision of the in-cache measurement.", valueName: "double|float"))
    var precision: String = "double"

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Threads (0: all cores).", valueName: "n"))
    var threads: Int = 0

    @Option(name: .long, parsing: .unconditional, help: "STREAM trials per kernel (the best counts).")
    var trials: Int = 10

    @Option(name: .long, help: "Output format.")
    var format: ReportFormat = .text

    func validate() throws {
        try ThreadCount.validate(threads)
        guard trials >= 1 else { throw ValidationError("--trials must be at least 1, got \(trials)") }
    }

    func run() throws {
        let meter = RooflineMeter(
            machine: Machine.current(), schedules: ScheduleRegistry.distinct, precision: try Precision(parsing: precision),
            threads: threads, budget: 0.2, trials: trials)
        let roofline = try meter.measure { Terminal.standardError($0 + "\n") }
        Terminal.standardOutput(try format.render(roofline, text: text))
    }

    /// The ceilings, one block per measurement.
    private func text(_ roofline: Roofline) -> String {
        var lines = ["Memory bandwidth (STREAM, \(roofline.threads) threads, arrays of \(formatBytes(roofline.bandwidth.first?.arrayBytes ?? 0)))"]
        for result in roofline.bandwidth {
            lines.append("  \(result.kernel.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)) \(significant(result.bytesPerSecond / 1e9, 3)) GB/s  (best of \(result.trialSeconds.count), \(formatSeconds(result.bestSeconds)))")
        }
        let element = (try? Precision(parsing: precision))?.byteWidth ?? 8
        let memoryBound = roofline.bandwidthBytesPerSecond / Double(2 * element)
        lines.append("  one step per sweep: at most \(formatRate(memoryBound)) updates/s (\(2 * element) B per update)")
        if let cache = roofline.cacheBandwidth, let best = roofline.cacheBandwidthBytesPerSecond {
            lines.append("")
            lines.append("L3 bandwidth (STREAM, arrays of \(formatBytes(cache.first?.arrayBytes ?? 0)), for grids that fit in L3)")
            for result in cache {
                lines.append("  \(result.kernel.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)) \(significant(result.bytesPerSecond / 1e9, 3)) GB/s")
            }
            lines.append("  one step per sweep: at most \(formatRate(best / Double(2 * element))) updates/s")
        }
        lines.append("")
        lines.append("In-cache update rate (\(roofline.inCache.rows)×\(roofline.inCache.cols) \(roofline.inCache.precision), \(roofline.inCache.iterations) steps; two copies fill half the cores' L2 caches)")
        for rate in roofline.inCache.rates {
            lines.append("  \(rate.schedule.padding(toLength: 18, withPad: " ", startingAt: 0)) \(formatRate(rate.updatesPerSecond)) updates/s")
        }
        lines.append("  ceiling: \(formatRate(roofline.inCache.updatesPerSecond)) updates/s (\(roofline.inCache.schedule))")
        return lines.joined(separator: "\n") + "\n"
    }
}
