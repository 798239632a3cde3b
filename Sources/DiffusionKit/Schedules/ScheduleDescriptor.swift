/// What a schedule is, for people: the name they type, the rung of the seed
/// it reproduces, and the one lesson it demonstrates.
public struct ScheduleDescriptor: Sendable, Hashable, Codable {
    /// The stable name users type: `fused`, `in-place`, …
    public let name: String
    /// The seed's counterpart ("pure Python", "NumPy + memory", …) or
    /// "(beyond the seed)".
    public let seedCounterpart: String
    /// One line: what this rung shows about where time goes.
    public let lesson: String
    /// True when the schedule uses more than one core.
    public let isParallel: Bool
    /// What the schedule supports, in words (boundaries, shapes, precisions).
    public let supports: String

    enum CodingKeys: String, CodingKey {
        case name, seedCounterpart = "seed_counterpart", lesson, isParallel = "parallel", supports
    }

    public init(name: String, seedCounterpart: String, lesson: String, isParallel: Bool = false,
                supports: String = "all boundaries, any shape from 3×3, double and float") {
        self.name = name
        self.seedCounterpart = seedCounterpart
        self.lesson = lesson
        self.isParallel = isParallel
        self.supports = supports
    }
}
