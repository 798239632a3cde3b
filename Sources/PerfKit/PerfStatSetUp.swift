extension PerfStat {
    /// Like `measure(_:_:)`, but calls `setUp` before each run, outside the
    /// counts and the elapsed time: perf stat of a block that must start
    /// from the same state every time (a buffer reset, a cache flushed)
    /// without that preparation showing in the numbers.
    ///
    /// The counters are opened once, before the first `setUp`; each run is
    /// counted as the difference of reads around `body` alone.
    ///
    /// - Throws: `ConfigurationError` for `repeats` < 1 or no events;
    ///   `CounterError`; whatever `setUp` or `body` throws.
    public func measure(_ label: String, setUp: () throws -> Void, _ body: () throws -> Void) throws -> PerfStatReport {
        guard repeats >= 1 else { throw ConfigurationError(description: "repeats is \(repeats): run at least once") }
        guard !events.isEmpty else { throw ConfigurationError(description: "no events to count: name at least one") }
        let counters = try Counters(events, scope: scope, grouping: grouping, prefer: prefer)
        var perRun: [[EventCount]] = []
        var elapsed: [Double] = []
        var user = 0.0
        var system = 0.0
        for _ in 0..<repeats {
            try setUp()
            let usageBefore = ResourceUsage.current(scope)
            let (wall, counts) = try counters.measure { () throws -> UInt64 in
                let start = PerfClock.monotonicNanoseconds()
                try body()
                return PerfClock.monotonicNanoseconds() &- start
            }
            let usage = ResourceUsage.current(scope) - usageBefore
            user += usage.userSeconds
            system += usage.systemSeconds
            elapsed.append(Double(wall) / 1e9)
            perRun.append(counts)
        }
        let summaries = events.indices.map { index in
            EventSummary(runs: perRun.map { $0[index] })
        }
        return PerfStatReport(label: label, events: summaries, elapsedSeconds: elapsed,
                              userSeconds: user / Double(repeats), systemSeconds: system / Double(repeats),
                              source: counters.source)
    }
}
