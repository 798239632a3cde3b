/// The benchmark protocol: warm up, then time complete runs of a body until a
/// time budget is spent, with at least `minimumRuns` (and at most
/// `maximumRuns`) runs; report every sample.
///
/// Unlike `Timeit`, each sample is one call of the body (no loop batching):
/// meant for bodies of a millisecond or more, such as a whole simulation.
public struct Sampler: Sendable {
    /// Untimed-for-statistics calls before sampling (their times are kept in
    /// `SampleSet.warmupSamples`), to fault in memory and warm caches.
    public var warmupRuns: Int
    /// Runs always taken, whatever the budget.
    public var minimumRuns: Int
    /// Runs never exceeded; nil for no limit but the budget.
    public var maximumRuns: Int?
    /// Sampling continues (past `minimumRuns`) until the measured runs
    /// together have taken this long.
    public var budget: Duration

    /// The bench's protocol: 1 warm-up, then runs for `budget`, at least 3.
    public init(warmupRuns: Int = 1, minimumRuns: Int = 3, maximumRuns: Int? = nil, budget: Duration = .seconds(1)) {
        self.warmupRuns = warmupRuns
        self.minimumRuns = minimumRuns
        self.maximumRuns = maximumRuns
        self.budget = budget
    }

    /// Exactly `runs` measured runs after `warmupRuns` warm-ups, no budget.
    public static func fixed(runs: Int, warmupRuns: Int = 0) -> Sampler {
        Sampler(warmupRuns: warmupRuns, minimumRuns: runs, maximumRuns: runs, budget: .zero)
    }

    /// Runs the protocol.
    ///
    /// - Parameters:
    ///   - clock: nanosecond clock; `PerfClock.monotonicNanoseconds` unless a
    ///     test injects a fake one.
    ///   - body: one complete run.
    /// - Throws: `ConfigurationError` when a count is negative, `minimumRuns` is
    ///   below 1 or `maximumRuns` is below `minimumRuns`; otherwise whatever
    ///   `body` throws.
    public func run(clock: () -> UInt64 = PerfClock.monotonicNanoseconds,
                    _ body: () throws -> Void) throws -> SampleSet {
        try run(measuring: {
            let start = clock()
            try body()
            return clock() &- start
        })
    }

    /// Runs the protocol for a body that times itself: each call performs
    /// one run and returns the nanoseconds it measured.
    ///
    /// For a run with untimed work around its timed part, such as resetting
    /// its input before the run or reading a meter after it: only the
    /// returned nanoseconds count, towards the samples and the budget alike.
    ///
    /// - Throws: as `run(clock:_:)`.
    public func run(measuring body: () throws -> UInt64) throws -> SampleSet {
        // The protocol for one body is the interleaved one with a single turn a round.
        try withoutActuallyEscaping(body) { body in try run(interleaving: [body])[0].get() }
    }
}

/// Samples from `Sampler.run`: seconds per run.
public struct SampleSet: Sendable, Codable, Equatable {
    /// Seconds of each measured run, in order.
    public var samples: [Double]
    /// Seconds of each warm-up run, in order (not in `statistics`).
    public var warmupSamples: [Double]
    /// Statistics of `samples`.
    public var statistics: Statistics

    /// A sample set from raw seconds.
    /// - Throws: `StatisticsError` when `samples` is empty or not finite.
    public init(samples: [Double], warmupSamples: [Double] = []) throws(StatisticsError) {
        self.samples = samples
        self.warmupSamples = warmupSamples
        self.statistics = try Statistics(samples)
    }

    /// The fastest run, seconds: the least disturbed by the rest of the machine.
    public var best: Double { statistics.min }
    /// The median run, seconds.
    public var median: Double { statistics.median }
}
