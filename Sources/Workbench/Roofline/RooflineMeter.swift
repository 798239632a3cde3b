import DiffusionKit
import PerfKit

/// Measures a `Roofline`: STREAM bandwidth, then every schedule on an
/// L2-resident grid under the bench's protocol (verified first, then timed).
public struct RooflineMeter: Sendable {
    public var machine: Machine
    public var schedules: [any Schedule]
    public var precision: Precision
    public var threads: Int
    /// Seconds of timed runs per schedule on the in-cache grid.
    public var budget: Double
    /// STREAM trials per kernel.
    public var trials: Int

    public init(machine: Machine, schedules: [any Schedule], precision: Precision = .double, threads: Int = 0,
                budget: Double = 0.1, trials: Int = 10) {
        self.machine = machine
        // A fast-forwarding schedule (spectral) has no rate per step to
        // compare with a ceiling: its cost does not grow with the steps.
        self.schedules = schedules.filter { !($0 is any FastForwardingSchedule) }
        self.precision = precision
        self.threads = threads
        self.budget = budget
        self.trials = trials
    }

    /// The per-core L2 size, from the machine's caches (1 MiB if unknown).
    var l2PerCore: Int {
        machine.caches.first { $0.level == 2 && $0.type != "Instruction" }?.sizeBytes ?? (1 << 20)
    }

    /// Threads the measurement uses.
    var threadCount: Int { threads > 0 ? threads : machine.logicalCPUsAvailable }

    /// The side of the in-cache grid: its two copies fill half the L2 caches
    /// of the cores used. (Filling them entirely does not work: the caches
    /// also hold the stack, the code's data and the other grid's edge rows,
    /// and a grid that just fits is evicted to L3 and runs at L3's bandwidth.)
    public var inCacheSide: Int {
        max(16, CacheFit.largestSquareGrid(cacheBytes: l2PerCore * threadCount / 2, bytesPerElement: precision.byteWidth))
    }

    public func measure(progress: (String) -> Void = { _ in }) throws -> Roofline {
        let largest = machine.caches.map(\.sizeBytes).max()
        progress("memory bandwidth (STREAM copy and triad, \(threadCount) threads)…")
        let bandwidth = MemoryBandwidth.measure(
            arrayBytes: MemoryBandwidth.recommendedArrayBytes(largestCacheBytes: largest), threads: threadCount, trials: trials)
        // The same kernels on arrays that fit in L3 (three eighths of it in all,
        // well beyond the L2s), for grids that live there.
        let l3 = machine.caches.first { $0.level == 3 }?.sizeBytes
        let cacheBandwidth = l3.map { l3 in
            progress("L3 bandwidth (STREAM on \(formatBytes(l3 / 8)) arrays)…")
            return MemoryBandwidth.measure(arrayBytes: l3 / 8, threads: threadCount, trials: max(trials, 20))
        }

        let side = inCacheSide
        let problem = Problem(rows: side, cols: side, boundary: .periodic, initial: .gaussian(width: Double(side) / 8), precision: precision)
        // About 60 M updates a run: tens of milliseconds for the fast
        // schedules, long enough to time well; a fraction of a second for the
        // slow rungs.
        let iterations = max(10, 60_000_000 / (side * side))
        progress("in-cache update rate (\(side)×\(side), \(iterations) steps, every schedule)…")
        let plan = BenchPlan(problems: [problem], iterations: iterations, schedules: schedules, budget: budget, minimumRuns: 3, threads: threads)
        let report = try BenchRunner(plan: plan).run(machine: machine, date: "")
        let rates = report.workloads[0].results.filter(\.isRanked).compactMap { result in
            result.updatesPerSecond.map { Roofline.ScheduleRate(schedule: result.variant, updatesPerSecond: $0) }
        }.sorted { $0.updatesPerSecond > $1.updatesPerSecond }
        let best = rates.first ?? Roofline.ScheduleRate(schedule: "none", updatesPerSecond: 0)
        let l2Instances = machine.caches.first { $0.level == 2 && $0.type != "Instruction" }.map { $0.instances }
        let l2Total = l2Instances.map { min($0, threadCount) * l2PerCore }
        return Roofline(
            bandwidth: bandwidth,
            bandwidthBytesPerSecond: bandwidth.map(\.bytesPerSecond).max() ?? 0,
            cacheBandwidth: cacheBandwidth,
            cacheBandwidthBytesPerSecond: cacheBandwidth.map { $0.map(\.bytesPerSecond).max() ?? 0 },
            l3Bytes: l3,
            inCache: .init(rows: side, cols: side, iterations: iterations, precision: precision.rawValue,
                           schedule: best.schedule, updatesPerSecond: best.updatesPerSecond, rates: rates),
            l2Bytes: l2Total, threads: threadCount)
    }
}
