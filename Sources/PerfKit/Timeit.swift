/// A measurement was configured with values that cannot work (a repeat count
/// below 1, a maximum below a minimum, …).
public struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong and how to fix it, in one line.
    public var description: String
}

extension Duration {
    /// Whole nanoseconds, saturating at the UInt64 range (negative → 0).
    var saturatingNanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        if seconds < 0 { return 0 }
        let (scaled, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .max }
        return scaled &+ UInt64(Swift.max(0, attoseconds) / 1_000_000_000)
    }
}

/// IPython's `%timeit`: choose a loop count, time that many loops R times,
/// report per-loop times.
///
/// Protocol, as IPython does it:
/// 1. Autorange (when `loops` is nil): run batches of 1, 2, 5, 10, 20, 50, …
///    loops (Python's `timeit.Timer.autorange` sequence) until one batch takes
///    at least `autorangeThreshold` (0.2 s by default). That batch's loop count
///    is used; the autorange batches themselves are discarded.
/// 2. Time `repeats` batches of that many loops (7 by default, as modern
///    IPython; the seed's "best of 3" is `repeats: 3`). Each batch is one pair
///    of clock readings around the loop, so clock cost is amortised.
/// 3. Per-loop time of a batch = batch time / loops.
///
/// The body is called through a closure; for bodies of a few nanoseconds that
/// call is part of what is measured, as Python's loop is in `%timeit`. Pass
/// results to `blackHole(_:)` so the optimiser cannot delete the work.
public struct Timeit: Sendable {
    /// Number of timed batches (IPython's `-r`). At least 1.
    public var repeats: Int
    /// Loops per batch (IPython's `-n`); nil chooses it by autorange.
    public var loops: Int?
    /// Autorange stops at the first batch that takes at least this long.
    public var autorangeThreshold: Duration
    /// Significant digits in the printed times (IPython's `-p`, default 3).
    public var precision: Int

    /// Upper bound on autorange, so a body the optimiser reduced to nothing
    /// cannot loop forever.
    static let maximumLoops = 10_000_000_000

    /// A `%timeit` configuration; the defaults are modern IPython's.
    public init(repeats: Int = 7, loops: Int? = nil, autorangeThreshold: Duration = .milliseconds(200),
                precision: Int = 3) {
        self.repeats = repeats
        self.loops = loops
        self.autorangeThreshold = autorangeThreshold
        self.precision = precision
    }

    /// Times `body` as `%timeit` does.
    ///
    /// - Parameters:
    ///   - clock: nanosecond clock; `PerfClock.monotonicNanoseconds` unless a
    ///     test injects a fake one.
    ///   - body: one loop of the work.
    /// - Throws: `ConfigurationError` when `repeats` or `loops` is below 1 or
    ///   `precision` is outside 1…17; otherwise whatever `body` throws.
    public func run(clock: () -> UInt64 = PerfClock.monotonicNanoseconds,
                    _ body: () throws -> Void) throws -> TimeitResult {
        guard repeats >= 1 else { throw ConfigurationError(description: "repeats is \(repeats): time at least 1 run") }
        if let loops, loops < 1 { throw ConfigurationError(description: "loops is \(loops): use at least 1 loop, or nil to autorange") }
        guard (1...17).contains(precision) else {
            throw ConfigurationError(description: "precision is \(precision): use 1 to 17 significant digits")
        }

        func batch(_ loops: Int) throws -> UInt64 {
            let start = clock()
            for _ in 0..<loops { try body() }
            let end = clock()
            return end &- start
        }

        let chosenLoops: Int
        if let loops {
            chosenLoops = loops
        } else {
            let threshold = autorangeThreshold.saturatingNanoseconds
            var decade = 1
            var found: Int? = nil
            search: while true {
                for multiple in [1, 2, 5] {
                    let candidate = multiple * decade
                    let reachedLimit = candidate >= Timeit.maximumLoops
                    if try reachedLimit || batch(candidate) >= threshold {
                        found = Swift.min(candidate, Timeit.maximumLoops)
                        break search
                    }
                }
                decade *= 10
            }
            chosenLoops = found ?? 1
        }

        var timings: [Double] = []
        timings.reserveCapacity(repeats)
        for _ in 0..<repeats {
            timings.append(Double(try batch(chosenLoops)) / 1e9 / Double(chosenLoops))
        }
        return try TimeitResult(loops: chosenLoops, timings: timings, precision: precision)
    }
}

/// The outcome of `Timeit.run`: per-loop times of each timed batch.
public struct TimeitResult: Sendable, Codable, Equatable, CustomStringConvertible {
    /// Loops per batch.
    public var loops: Int
    /// Per-loop time of each batch, seconds, in the order they ran.
    public var timings: [Double]
    /// Significant digits used when printing.
    public var precision: Int
    /// Statistics of `timings` (seconds per loop).
    public var statistics: Statistics

    /// A result from its timings (seconds per loop, one per batch).
    /// - Throws: `StatisticsError` when `timings` is empty or not finite.
    public init(loops: Int, timings: [Double], precision: Int = 3) throws(StatisticsError) {
        self.loops = loops
        self.timings = timings
        self.precision = precision
        self.statistics = try Statistics(timings)
    }

    /// Number of timed batches.
    public var repeats: Int { timings.count }
    /// Fastest per-loop time, seconds.
    public var best: Double { statistics.min }
    /// Slowest per-loop time, seconds.
    public var worst: Double { statistics.max }
    /// Mean per-loop time, seconds.
    public var average: Double { statistics.mean }
    /// Population standard deviation of the per-loop times, seconds (IPython's
    /// `TimeitResult.stdev` divides by n, not n − 1).
    public var standardDeviation: Double { statistics.populationStandardDeviation }

    /// Modern IPython's line:
    /// `"1.92 ms ± 31.2 µs per loop (mean ± std. dev. of 7 runs, 10 loops each)"`.
    /// The loop count is grouped with commas ("100,000 loops each").
    public var summary: String {
        let mean = PerfFormat.timeSpan(average, precision: precision)
        let deviation = PerfFormat.timeSpan(standardDeviation, precision: precision)
        let runs = "\(repeats) run\(repeats == 1 ? "" : "s")"
        let loopText = "\(PerfFormat.grouped(loops)) loop\(loops == 1 ? "" : "s")"
        return "\(mean) \u{00B1} \(deviation) per loop (mean \u{00B1} std. dev. of \(runs), \(loopText) each)"
    }

    /// The seed's (IPython ≤ 5) line: `"10 loops, best of 3: 1.9 ms per loop"`.
    public var bestOfSummary: String {
        "\(loops) loop\(loops == 1 ? "" : "s"), best of \(repeats): \(PerfFormat.timeSpan(best, precision: precision)) per loop"
    }

    /// IPython's warning when the slowest batch took more than 4× the fastest
    /// (and the fastest is above 0 and the slowest above 1 µs per loop), or nil:
    /// `"The slowest run took 15.87 times longer than the fastest. This could
    /// mean that an intermediate result is being cached."`
    public var cachingWarning: String? {
        guard worst > 4 * best, best > 0, worst > 1e-6 else { return nil }
        return "The slowest run took \(cFormat("%0.2f", worst / best)) times longer than the fastest. "
            + "This could mean that an intermediate result is being cached."
    }

    /// The warning (if any) on its own line, then `summary`, as IPython prints.
    public var description: String {
        (cachingWarning.map { $0 + "\n" } ?? "") + summary
    }

    /// The warning (if any) on its own line, then `bestOfSummary`, as the seed shows.
    public var bestOfDescription: String {
        (cachingWarning.map { $0 + "\n" } ?? "") + bestOfSummary
    }
}
