/// How to step a workload: a schedule, its parameters, and where the choice
/// came from — FFTW's "plan".
///
/// A plan is made for one workload on one machine (`Planner`): by rule from
/// the machine's facts (`estimate`), by timing candidates on the real shape,
/// precision and boundary (`measured`), or read back from stored measurements
/// (`wisdom`). Every plan's schedule is bit-identical to the reference, so a
/// plan changes only the speed of a run, never its result.
///
/// JSON: `{"schedule": "temporal", "parameters": {"threads": 2, "depth": 16,
/// "tile_width": 1024}, "source": "wisdom", "reason": "…"}`, with `"folded":
/// true|false` where a temporal plan sweeps whole rows that can fold;
/// parameters a schedule does not take are absent.
public struct Plan: Sendable, Hashable, Codable {
    /// A registered schedule's name (`ScheduleRegistry`), never `auto`.
    public var schedule: String
    public var parameters: PlanParameters
    public var source: PlanSource
    /// Why this plan, in one line, for people.
    public var reason: String

    public init(schedule: String, parameters: PlanParameters = .init(), source: PlanSource, reason: String) {
        self.schedule = schedule
        self.parameters = parameters
        self.source = source
        self.reason = reason
    }

    /// The schedule this plan runs, configured with its parameters.
    ///
    /// - Throws: `DiffusionError.unknownSchedule` for a name no schedule has
    ///   (a wisdom file from another version, say).
    public func makeSchedule() throws(DiffusionError) -> any Schedule {
        if let reason = invalidity { throw .unsupported(schedule: schedule, reason: "a plan that " + reason) }
        let base: any Schedule
        switch schedule {
        case "temporal":
            base = TemporalSchedule(depth: parameters.depth, tileWidth: parameters.tileWidth, folded: parameters.folded)
        default:
            base = try ScheduleRegistry.named(schedule)
        }
        guard let threads = parameters.threads else { return base }
        return PlannedSchedule(base, threads: threads)
    }

    /// "temporal (2 threads, depth 16, tiles of 1024 columns)",
    /// "temporal (2 threads, depth 8, tiles of 640 columns, folded rows)".
    public var summary: String {
        let details = parameters.description
        return details.isEmpty ? schedule : "\(schedule) (\(details))"
    }
}

/// The knobs of a plan. Each is nil when the schedule derives it itself (or
/// does not have it).
public struct PlanParameters: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Threads of a parallel schedule (1 for `simd`).
    public var threads: Int?
    /// `temporal`: steps per sweep over memory.
    public var depth: Int?
    /// `temporal`: columns per tile (the grid's width: no tiles).
    public var tileWidth: Int?
    /// `temporal`: whether whole rows are swept folded (`FoldedRows`); nil
    /// where the plan cannot fold (tiles, one step per sweep, a width that
    /// does not fold) or leaves it to the machine.
    public var folded: Bool?

    public init(threads: Int? = nil, depth: Int? = nil, tileWidth: Int? = nil, folded: Bool? = nil) {
        self.threads = threads
        self.depth = depth
        self.tileWidth = tileWidth
        self.folded = folded
    }

    enum CodingKeys: String, CodingKey {
        case threads, depth, tileWidth = "tile_width", folded
    }

    public var description: String {
        var parts: [String] = []
        if let threads { parts.append(threads == 1 ? "1 thread" : "\(threads) threads") }
        if let depth { parts.append("depth \(depth)") }
        if let tileWidth { parts.append("tiles of \(tileWidth) columns") }
        if let folded { parts.append(folded ? "folded rows" : "rows unfolded") }
        return parts.joined(separator: ", ")
    }
}

/// Where a plan came from.
public enum PlanSource: String, Sendable, Hashable, Codable, CaseIterable {
    /// The rule of thumb, from the machine's cores and caches.
    case estimate
    /// Candidates timed on this workload just now.
    case measured
    /// A stored measurement of this machine and workload class.
    case wisdom
}

/// How `auto` is planned (`--plan`), as FFTW's planner flags.
public enum PlanMode: String, Sendable, Hashable, CaseIterable {
    /// Wisdom where there is some for the workload, else the estimate: the default.
    case automatic = "auto"
    /// The rule of thumb only (FFTW_ESTIMATE).
    case estimate
    /// Time candidates within a budget (FFTW_MEASURE).
    case measure
    /// Stored wisdom only; no wisdom for the workload is an error (FFTW_WISDOM_ONLY).
    case wisdom
}
