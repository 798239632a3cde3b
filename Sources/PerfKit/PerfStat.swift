#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `perf stat -r R` for a closure: count events over R runs of a block of
/// code (only the block, not process start-up) and report means, spread and
/// perf's derived figures in perf's own layout.
///
/// ```swift
/// let report = try PerfStat(events: PerfEvent.seedEvents, repeats: 3)
///     .measure("fused") { simulate() }
/// print(report)   // the perf stat block
/// ```
public struct PerfStat: Sendable {
    /// Events to count, in report order.
    public var events: [PerfEvent]
    /// Runs of the block (perf's `-r`). At least 1.
    public var repeats: Int
    /// Threads counted.
    public var scope: MeasurementScope
    /// How events are grouped on the PMU.
    public var grouping: CounterGrouping
    /// perf events, or getrusage only.
    public var prefer: Counters.SourcePreference

    /// A perf stat configuration; by default perf's own default event list, one run.
    public init(events: [PerfEvent] = PerfEvent.perfStatDefaults, repeats: Int = 1,
                scope: MeasurementScope = .process, grouping: CounterGrouping = .automatic,
                prefer: Counters.SourcePreference = .automatic) {
        self.events = events
        self.repeats = repeats
        self.scope = scope
        self.grouping = grouping
        self.prefer = prefer
    }

    /// Runs `body` `repeats` times, counting each run.
    ///
    /// Counters are opened once (on the threads that exist now, inherited by
    /// threads created later) and each run is counted as the difference of
    /// reads around it. Wall time is `CLOCK_MONOTONIC` around the body; user
    /// and system time come from getrusage.
    ///
    /// - Parameter label: what perf shows in quotes ("Performance counter
    ///   stats for 'label'").
    /// - Throws: `ConfigurationError` for `repeats` < 1 or no events;
    ///   `CounterError` (e.g. `.permissionDenied`); whatever `body` throws.
    public func measure(_ label: String, _ body: () throws -> Void) throws -> PerfStatReport {
        try measure(label, setUp: {}, body)
    }

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

/// One event over all runs of a `PerfStat` measurement.
public struct EventSummary: Sendable, Equatable {
    /// The event as requested.
    public var event: PerfEvent
    /// Counted in at least one run, not supported, or never scheduled.
    public var status: EventCount.Status
    /// Per-run values (scaled counts; nanoseconds for task-clock) of the runs
    /// that counted.
    public var samples: [Double]
    /// Σ time running / Σ time enabled over runs and threads, percent.
    public var runningPercent: Double
    /// True when any run was multiplexed and scaled.
    public var isScaled: Bool
    /// True when kernel mode was excluded (perf's ":u").
    public var userSpaceOnly: Bool

    /// Combines one event's counts from each run.
    public init(runs: [EventCount]) {
        precondition(!runs.isEmpty, "an event summary needs at least one run")
        event = runs[0].event
        samples = runs.compactMap(\.value)
        if runs.contains(where: { $0.status == .notSupported }) {
            status = .notSupported
            samples = []
        } else {
            status = samples.isEmpty ? .notCounted : .counted
        }
        var enabled = 0.0
        var running = 0.0
        for run in runs {
            enabled += Double(run.total.timeEnabled)
            running += Double(run.total.timeRunning)
        }
        runningPercent = enabled == 0 ? 100 : 100 * running / enabled
        isScaled = runs.contains(where: \.isScaled)
        userSpaceOnly = runs.contains(where: \.userSpaceOnly)
    }

    /// The mean over counted runs, in the event's base unit (count, or
    /// nanoseconds for task-clock); nil unless counted.
    public var mean: Double? {
        samples.isEmpty ? nil : samples.reduce(0, +) / Double(samples.count)
    }

    /// The mean in the unit perf prints (`unit`): msec for task-clock, the
    /// count otherwise.
    public var value: Double? {
        mean.map { event.canonical == .taskClock ? $0 / 1e6 : $0 }
    }

    /// "msec" for task-clock, "" otherwise.
    public var unit: String { event.unit }

    /// perf's "( +- x% )": standard error of the mean over runs, as a percent
    /// of the mean (`Statistics.relativeSpreadPercent`); 0 for a single run,
    /// nil unless counted.
    public var spreadPercent: Double? {
        guard let statistics = try? Statistics(samples) else { return nil }
        return statistics.relativeSpreadPercent
    }
}

/// The result of `PerfStat.measure`: perf stat's block as data.
public struct PerfStatReport: Sendable, Equatable, CustomStringConvertible {
    /// The label shown in quotes.
    public var label: String
    /// One summary per requested event, in order.
    public var events: [EventSummary]
    /// Wall seconds of each run.
    public var elapsedSeconds: [Double]
    /// Mean user CPU seconds per run (getrusage).
    public var userSeconds: Double
    /// Mean system CPU seconds per run (getrusage).
    public var systemSeconds: Double
    /// perf events or the getrusage fallback (with the reason).
    public var source: CounterSource

    /// A report from its parts.
    public init(label: String, events: [EventSummary], elapsedSeconds: [Double], userSeconds: Double = 0,
                systemSeconds: Double = 0, source: CounterSource = .perfEvents) {
        self.label = label
        self.events = events
        self.elapsedSeconds = elapsedSeconds
        self.userSeconds = userSeconds
        self.systemSeconds = systemSeconds
        self.source = source
    }

    /// Number of runs.
    public var repeats: Int { elapsedSeconds.count }

    /// Mean wall seconds per run.
    public var meanElapsedSeconds: Double {
        elapsedSeconds.isEmpty ? 0 : elapsedSeconds.reduce(0, +) / Double(elapsedSeconds.count)
    }

    /// The summary for `event` (matching the spelling first, then the canonical event).
    public subscript(event: PerfEvent) -> EventSummary? {
        events.first { $0.event == event } ?? events.first { $0.event.canonical == event.canonical }
    }

    /// A derived figure: perf's number after "#" and its words.
    public struct Metric: Sendable, Equatable, Codable {
        /// The number, e.g. 0.998 or 52.77.
        public var value: Double
        /// What it is, e.g. "CPUs utilized", "insn per cycle", "K/sec".
        public var unit: String
        /// The printf conversion perf uses for `value`.
        var format: String
    }

    /// perf's derived figure for `summary`, or nil where perf prints none
    /// (event not counted, or the figure's base — task-clock, cycles,
    /// cache-references, branches — was not counted or is zero):
    /// - task-clock: task-clock ÷ elapsed, "CPUs utilized"
    /// - cycles: cycles ÷ task-clock ns, "GHz"
    /// - instructions: instructions ÷ cycles, "insn per cycle" (older perf: "insns")
    /// - stalled-cycles-frontend/backend: % of cycles, "frontend/backend cycles idle"
    /// - cache-misses: % of cache-references, "% of all cache refs"
    /// - branch-misses: % of branches, "of all branches"
    /// - every other event: count per task-clock second, "/sec", "K/sec",
    ///   "M/sec" or "G/sec" (the value is divided by 1000 while above 1000).
    public func metric(for summary: EventSummary) -> Metric? {
        guard let value = summary.mean else { return nil }
        func base(_ event: PerfEvent) -> Double? {
            guard let mean = events.first(where: { $0.event.canonical == event })?.mean, mean > 0 else { return nil }
            return mean
        }
        switch summary.event.canonical {
        case .taskClock:
            let wall = meanElapsedSeconds * 1e9
            return wall > 0 ? Metric(value: value / wall, unit: "CPUs utilized", format: "%8.3f") : nil
        case .cycles:
            return base(.taskClock).map { Metric(value: value / $0, unit: "GHz", format: "%8.3f") }
        case .instructions:
            return base(.cycles).map { Metric(value: value / $0, unit: "insn per cycle", format: "%7.2f ") }
        case .stalledCyclesFrontend:
            return base(.cycles).map { Metric(value: 100 * value / $0, unit: "frontend cycles idle", format: "%7.2f%%") }
        case .stalledCyclesBackend:
            return base(.cycles).map { Metric(value: 100 * value / $0, unit: "backend cycles idle", format: "%7.2f%%") }
        case .cacheMisses:
            return base(.cacheReferences).map { Metric(value: 100 * value / $0, unit: "of all cache refs", format: "%8.3f %%") }
        case .branchMisses:
            return base(.branches).map { Metric(value: 100 * value / $0, unit: "of all branches", format: "%7.2f%%") }
        default:
            return base(.taskClock).map { clock in
                var rate = 1e9 * value / clock
                var prefix = ""
                for next in ["K", "M", "G"] where rate > 1000 {
                    rate /= 1000
                    prefix = next
                }
                return Metric(value: rate, unit: prefix + "/sec", format: "%8.3f")
            }
        }
    }

    /// Columns of perf 6.x's text output: value right-aligned in 18, unit
    /// left-aligned in 4 (or the longest unit), name in 32 (25 for
    /// unsupported), then " # " and a metric field of 35 characters.
    static let valueWidth = 18
    static let nameWidth = 32
    static let unsupportedNameWidth = 25
    static let metricWidth = 35

    /// The block as perf stat prints it (perf 6.x layout), with trailing
    /// spaces removed from each line.
    ///
    /// Counts are rounded to integers and task-clock shown in msec with two
    /// decimals; `groupDigits` adds thousands separators as perf does in an
    /// English locale (the seed's "228,108,155,330"). Unsupported events show
    /// `<not supported>`, never 0. "( +- x% )" (the standard error of the mean
    /// over runs, as a percent of the mean) appears with more than one run
    /// when non-zero, and "(66.67%)" when counts were scaled for multiplexing.
    /// The elapsed line follows modern perf: with several runs
    /// "mean +- sem seconds time elapsed" with two more decimals than the
    /// error's first significant digit; with one run, 9 decimals followed by
    /// user and sys seconds. When the getrusage fallback was used, a closing
    /// note says so.
    public func render(groupDigits: Bool = true) -> String {
        var lines: [String] = [""]
        lines.append(" Performance counter stats for '\(label)'" + (repeats > 1 ? " (\(repeats) runs)" : "") + ":")
        lines.append("")
        let unitWidth = max(4, events.map(\.unit.count).max() ?? 0)
        let separator = groupDigits ? "," : ""
        for summary in events {
            let name = summary.event.name + (summary.userSpaceOnly ? ":u" : "")
            var line: String
            if summary.status != .counted, summary.value == nil {
                let marker = summary.status == .notSupported ? "<not supported>" : "<not counted>"
                line = marker.leftPadded(to: Self.valueWidth) + " " + summary.unit.rightPadded(to: unitWidth) + " "
                    + name.rightPadded(to: Self.unsupportedNameWidth)
                if summary.status == .notCounted { line += cFormat("  (%.2f%%)", summary.runningPercent) }
            } else {
                let value = summary.value ?? 0
                let number = summary.event.canonical == .taskClock
                    ? PerfFormat.grouped(value, fractionDigits: 2, separator: separator)
                    : PerfFormat.grouped(value, fractionDigits: 0, separator: separator)
                line = number.leftPadded(to: Self.valueWidth) + " " + summary.unit.rightPadded(to: unitWidth) + " "
                    + name.rightPadded(to: Self.nameWidth)
                if let metric = metric(for: summary) {
                    let figure = cFormat(metric.format, metric.value)
                    let used = 3 + figure.count
                    line += " # " + figure + " " + metric.unit.rightPadded(to: Self.metricWidth - used - 1)
                } else {
                    line += String(repeating: " ", count: Self.metricWidth)
                }
                if repeats > 1, let spread = summary.spreadPercent, spread != 0 {
                    line += cFormat("  ( +-%6.2f%% )", spread)
                }
                if summary.isScaled { line += cFormat("  (%.2f%%)", summary.runningPercent) }
            }
            lines.append(line.trimmingTrailingSpaces())
        }
        lines.append("")
        if let statistics = try? Statistics(elapsedSeconds), repeats > 1 {
            let error = statistics.standardError
            let precision = Int32(Self.elapsedPrecision(error))
            var line = cFormat(" %17.*f +- %.*f seconds time elapsed", precision, statistics.mean, precision, error)
            if statistics.relativeSpreadPercent != 0 { line += cFormat("  ( +-%6.2f%% )", statistics.relativeSpreadPercent) }
            lines.append(line)
        } else {
            lines.append(cFormat(" %17.9f seconds time elapsed", meanElapsedSeconds))
            lines.append("")
            lines.append(cFormat(" %17.9f seconds user", userSeconds))
            lines.append(cFormat(" %17.9f seconds sys", systemSeconds))
        }
        if case .resourceUsage(let reason) = source {
            lines.append("")
            lines.append(" Counted with getrusage and the CPU clock, not perf events: \(reason).")
        }
        lines.append("")
        return lines.joined(separator: "\n") + "\n"
    }

    /// perf's digits for the elapsed line: 2 more than the position of the
    /// error's first significant decimal (`get_precision(sd) + 2`); 9 when the
    /// error is zero.
    static func elapsedPrecision(_ error: Double) -> Int {
        guard error > 0, error.isFinite else { return 9 }
        if error > 1 { return 2 }
        return Int(ceil(-log10(error))) + 2
    }

    public var description: String { render() }
}

// MARK: JSON

extension PerfStatReport: Codable {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private struct EventJSON: Codable {
        var value: Double?
        var unit: String
        var supported: Bool
        var counted: Bool
        var stddev_pct: Double?
        var running_pct: Double
        var scaled: Bool
        var user_space_only: Bool
        var metric_value: Double?
        var metric_unit: String?
        var samples: [Double]
    }

    /// Encodes as
    /// `{"label", "repeats", "elapsed_s", "elapsed_stddev_pct", "elapsed_samples_s",
    ///   "user_s", "sys_s", "source", "event_order": [...],
    ///   "events": {"task-clock": {"value", "unit", "supported", "counted",
    ///   "stddev_pct", "running_pct", "scaled", "user_space_only",
    ///   "metric_value", "metric_unit", "samples"}, ...}}`.
    /// `value` is in `unit` (msec for task-clock) and null when not counted;
    /// `stddev_pct` is perf's "( +- x% )"; `samples` are per run in the base
    /// unit (count, or ns for task-clock).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(label, forKey: Key("label"))
        try container.encode(repeats, forKey: Key("repeats"))
        try container.encode(meanElapsedSeconds, forKey: Key("elapsed_s"))
        try container.encode((try? Statistics(elapsedSeconds))?.relativeSpreadPercent ?? 0, forKey: Key("elapsed_stddev_pct"))
        try container.encode(elapsedSeconds, forKey: Key("elapsed_samples_s"))
        try container.encode(userSeconds, forKey: Key("user_s"))
        try container.encode(systemSeconds, forKey: Key("sys_s"))
        switch source {
        case .perfEvents: try container.encode("perf_event_open", forKey: Key("source"))
        case .resourceUsage(let reason): try container.encode("getrusage: " + reason, forKey: Key("source"))
        }
        try container.encode(events.map(\.event.name), forKey: Key("event_order"))
        var nested = container.nestedContainer(keyedBy: Key.self, forKey: Key("events"))
        for summary in events {
            let metric = metric(for: summary)
            try nested.encode(EventJSON(
                value: summary.value, unit: summary.unit, supported: summary.status != .notSupported,
                counted: summary.status == .counted, stddev_pct: summary.spreadPercent,
                running_pct: summary.runningPercent, scaled: summary.isScaled,
                user_space_only: summary.userSpaceOnly, metric_value: metric?.value, metric_unit: metric?.unit,
                samples: summary.samples), forKey: Key(summary.event.name))
        }
    }

    /// Decodes the shape `encode(to:)` writes (events in `event_order`).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        label = try container.decode(String.self, forKey: Key("label"))
        elapsedSeconds = try container.decode([Double].self, forKey: Key("elapsed_samples_s"))
        userSeconds = try container.decode(Double.self, forKey: Key("user_s"))
        systemSeconds = try container.decode(Double.self, forKey: Key("sys_s"))
        let sourceText = try container.decode(String.self, forKey: Key("source"))
        source = sourceText.hasPrefix("getrusage: ")
            ? .resourceUsage(reason: String(sourceText.dropFirst("getrusage: ".count))) : .perfEvents
        let order = try container.decode([String].self, forKey: Key("event_order"))
        let nested = try container.nestedContainer(keyedBy: Key.self, forKey: Key("events"))
        events = try order.map { name in
            let json = try nested.decode(EventJSON.self, forKey: Key(name))
            let event = try PerfEvent(parsing: name)
            var summary = EventSummary(runs: [EventCount.notSupported(event)])
            summary.status = !json.supported ? .notSupported : (json.counted ? .counted : .notCounted)
            summary.samples = json.samples
            summary.runningPercent = json.running_pct
            summary.isScaled = json.scaled
            summary.userSpaceOnly = json.user_space_only
            return summary
        }
    }
}
