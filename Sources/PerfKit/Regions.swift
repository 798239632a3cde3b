/// A region profiler: named blocks timed in place, reported in
/// line_profiler's (`%lprun`) shape.
///
/// ```swift
/// let profiler = RegionProfiler()
/// for _ in 0..<500 {
///     profiler.measure("evolve") {
///         profiler.measure("laplacian") { laplacian(grid, into: &scratch) }
///         profiler.measure("update") { update(&grid, scratch) }
///     }
/// }
/// print(profiler.report())
/// ```
///
/// Regions nest: a region entered inside another is a separate row under it
/// (the same name under two parents is two rows). Each row reports its
/// *inclusive* time (the time its body took, nested regions included, as
/// line_profiler's Time for a line includes the functions it calls) and, in
/// the data, its *self* time (inclusive minus its nested regions). % Time is
/// inclusive time over the total, and the total is the sum of the top-level
/// regions' inclusive time, so the top-level rows' percentages sum to 100.
///
/// Cost: enabled, two monotonic clock reads and one dictionary lookup per
/// region (well under a microsecond). Disabled (`isEnabled == false`, or a nil
/// `RegionProfiler?` — see the `Optional` extension), one branch: a library
/// can take `profiler: RegionProfiler? = nil` and call
/// `profiler.measure("name") { … }` unconditionally.
///
/// Not Sendable and not thread-safe: nesting is tracked per profiler, so use
/// one profiler per thread and combine with `RegionReport.merged(_:)`.
public final class RegionProfiler {
    /// When false, `measure` just runs its body.
    public var isEnabled: Bool

    @usableFromInline
    struct Node {
        var name: String
        var parent: Int
        var children: [String: Int] = [:]
        var childOrder: [Int] = []
        var hits = 0
        var inclusiveNanoseconds: UInt64 = 0
    }

    /// Node 0 is the invisible root; the others are regions in first-entry order.
    @usableFromInline var nodes: [Node] = [Node(name: "", parent: -1)]
    @usableFromInline var current = 0

    /// A profiler, enabled unless told otherwise.
    public init(enabled: Bool = true) {
        isEnabled = enabled
    }

    /// Runs `body` as the region `name` inside the region now open (if any),
    /// adding one hit and the body's wall time (`CLOCK_MONOTONIC`) to it.
    /// A region left by a thrown error is still timed.
    @inlinable
    public func measure<R>(_ name: String, _ body: () throws -> R) rethrows -> R {
        guard isEnabled else { return try body() }
        let node = enter(name)
        let start = PerfClock.monotonicNanoseconds()
        defer { leave(node, since: start) }
        return try body()
    }

    @usableFromInline
    func enter(_ name: String) -> Int {
        let parent = current
        let node: Int
        if let existing = nodes[parent].children[name] {
            node = existing
        } else {
            node = nodes.count
            nodes.append(Node(name: name, parent: parent))
            nodes[parent].children[name] = node
            nodes[parent].childOrder.append(node)
        }
        current = node
        return node
    }

    @usableFromInline
    func leave(_ node: Int, since start: UInt64) {
        let elapsed = PerfClock.monotonicNanoseconds() &- start
        nodes[node].hits += 1
        nodes[node].inclusiveNanoseconds &+= elapsed
        current = nodes[node].parent
    }

    /// Forgets every region recorded so far.
    public func reset() {
        nodes = [Node(name: "", parent: -1)]
        current = 0
    }

    /// The regions so far, in first-entry order, each followed by its nested
    /// regions (depth-first).
    public func report() -> RegionReport {
        var rows: [RegionReport.Row] = []
        let total = nodes[0].childOrder.reduce(UInt64(0)) { $0 &+ nodes[$1].inclusiveNanoseconds }
        func visit(_ index: Int, path: [String]) {
            let node = nodes[index]
            let childTime = node.childOrder.reduce(UInt64(0)) { $0 &+ nodes[$1].inclusiveNanoseconds }
            let inclusive = Double(node.inclusiveNanoseconds) / 1e9
            rows.append(RegionReport.Row(
                name: node.name, path: path + [node.name], hits: node.hits, totalSeconds: inclusive,
                selfSeconds: Double(node.inclusiveNanoseconds &- min(childTime, node.inclusiveNanoseconds)) / 1e9,
                percentOfTotal: total == 0 ? 0 : 100 * Double(node.inclusiveNanoseconds) / Double(total)))
            for child in node.childOrder { visit(child, path: path + [node.name]) }
        }
        for child in nodes[0].childOrder { visit(child, path: []) }
        return RegionReport(totalSeconds: Double(total) / 1e9, rows: rows)
    }
}

extension Optional where Wrapped == RegionProfiler {
    /// Lets code that takes an optional profiler time regions without
    /// unwrapping: with nil, `body` runs untimed (one branch), and, unlike
    /// `profiler?.measure`, it always runs.
    @inlinable
    public func measure<R>(_ name: String, _ body: () throws -> R) rethrows -> R {
        switch self {
        case .some(let profiler): return try profiler.measure(name, body)
        case .none: return try body()
        }
    }
}

/// The result of a `RegionProfiler`: line_profiler's table with regions for lines.
public struct RegionReport: Sendable, Codable, Equatable, CustomStringConvertible {
    /// One region.
    public struct Row: Sendable, Codable, Equatable {
        /// The region's name.
        public var name: String
        /// Names from the top-level region down to this one.
        public var path: [String]
        /// Times the region was entered.
        public var hits: Int
        /// Inclusive wall seconds (nested regions included).
        public var totalSeconds: Double
        /// Inclusive seconds minus the nested regions' inclusive seconds.
        public var selfSeconds: Double
        /// totalSeconds as a percent of the report's total.
        public var percentOfTotal: Double

        /// A row from its parts.
        public init(name: String, path: [String], hits: Int, totalSeconds: Double, selfSeconds: Double,
                    percentOfTotal: Double) {
            self.name = name
            self.path = path
            self.hits = hits
            self.totalSeconds = totalSeconds
            self.selfSeconds = selfSeconds
            self.percentOfTotal = percentOfTotal
        }

        /// 0 for a top-level region, 1 for one nested in it, …
        public var depth: Int { path.count - 1 }
        /// Mean inclusive seconds per hit (0 when never hit).
        public var perHitSeconds: Double { hits == 0 ? 0 : totalSeconds / Double(hits) }

        enum CodingKeys: String, CodingKey {
            case name, path, hits
            case totalSeconds = "total_s"
            case selfSeconds = "self_s"
            case percentOfTotal = "percent"
        }
    }

    /// Sum of the top-level regions' inclusive seconds.
    public var totalSeconds: Double
    /// Regions, depth-first in first-entry order.
    public var rows: [Row]

    /// A report from its parts.
    public init(totalSeconds: Double, rows: [Row]) {
        self.totalSeconds = totalSeconds
        self.rows = rows
    }

    enum CodingKeys: String, CodingKey {
        case totalSeconds = "total_s"
        case rows
    }

    /// Combines reports (e.g. one per thread): rows with the same path add
    /// their hits and times; percentages are recomputed over the combined
    /// total. Row order is first appearance.
    public static func merged(_ reports: [RegionReport]) -> RegionReport {
        var order: [[String]] = []
        var byPath: [[String]: Row] = [:]
        for report in reports {
            for row in report.rows {
                if var existing = byPath[row.path] {
                    existing.hits += row.hits
                    existing.totalSeconds += row.totalSeconds
                    existing.selfSeconds += row.selfSeconds
                    byPath[row.path] = existing
                } else {
                    byPath[row.path] = row
                    order.append(row.path)
                }
            }
        }
        let total = reports.reduce(0) { $0 + $1.totalSeconds }
        let rows = order.map { path -> Row in
            var row = byPath[path]!
            row.percentOfTotal = total == 0 ? 0 : 100 * row.totalSeconds / total
            return row
        }
        return RegionReport(totalSeconds: total, rows: rows)
    }

    /// line_profiler's text:
    /// ```
    /// Timer unit: 1e-06 s
    ///
    /// Total time: 1.77353 s
    ///
    ///      Hits         Time  Per Hit   % Time  Region
    /// ================================================
    ///       500      1771810   3543.6     99.9  evolve
    /// ```
    /// Time and Per Hit are in timer units (`timerUnit` seconds, 1 µs by
    /// default); columns use line_profiler's widths (9, 12, 8, 8), nested
    /// regions are indented two spaces per level.
    public func render(timerUnit: Double = 1e-6) -> String {
        func row(_ hits: String, _ time: String, _ perHit: String, _ percent: String, _ name: String) -> String {
            hits.leftPadded(to: 9) + " " + time.leftPadded(to: 12) + " " + perHit.leftPadded(to: 8) + " "
                + percent.leftPadded(to: 8) + "  " + name
        }
        let header = row("Hits", "Time", "Per Hit", "% Time", "Region")
        var lines = [
            "Timer unit: \(PerfFormat.general(timerUnit)) s",
            "",
            "Total time: \(PerfFormat.general(totalSeconds)) s",
            "",
            header,
            String(repeating: "=", count: header.count),
        ]
        for entry in rows {
            let units = entry.totalSeconds / timerUnit
            lines.append(row(String(entry.hits), cFormat("%.0f", units),
                             cFormat("%5.1f", entry.hits == 0 ? 0 : units / Double(entry.hits)),
                             cFormat("%5.1f", entry.percentOfTotal),
                             String(repeating: "  ", count: entry.depth) + entry.name))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public var description: String { render() }
}
