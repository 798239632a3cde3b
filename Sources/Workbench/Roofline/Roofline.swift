import DiffusionKit
import PerfKit

/// This machine's ceilings for the stencil, and how close a run comes to them.
///
/// Two ceilings bound an explicit-Euler sweep:
/// - **Memory bandwidth**, for grids larger than the caches. One step per
///   sweep must read every cell and write every cell at least once: 2 × 8 B
///   per update in double precision (2 × 4 B in single), so a schedule doing
///   one step per pass over memory cannot exceed bandwidth ÷ 16 B updates per
///   second. Only temporal blocking (several steps per pass) gets past it;
///   its fraction of this ceiling can exceed 100 %.
/// - **In-cache update rate**, for grids whose two copies fit in L2: the best
///   rate any verified schedule reaches there, on all cores. The arithmetic
///   and the load/store ports, not memory, are then the limit.
///
/// A workload's working set is its two grids (rows × cols × element size × 2).
/// When that fits in the L2 caches of the cores used, the in-cache ceiling
/// applies; otherwise the bandwidth ceiling does (for grids that fit in L3 the
/// bandwidth ceiling is DRAM's, so fractions above 100 % there show L3's
/// extra bandwidth).
public struct Roofline: Sendable, Codable {
    /// STREAM copy and triad on all cores.
    public var bandwidth: [MemoryBandwidth.Result]
    /// The best of the STREAM kernels, bytes per second.
    public var bandwidthBytesPerSecond: Double
    /// The in-cache measurement.
    public var inCache: InCacheCeiling
    /// Total L2 capacity of the cores used, bytes (nil when sysfs does not say).
    public var l2Bytes: Int?
    public var threads: Int

    /// The best update rate on an L2-resident grid.
    public struct InCacheCeiling: Sendable, Codable {
        public var rows: Int
        public var cols: Int
        public var iterations: Int
        public var precision: String
        /// The schedule that reached the ceiling.
        public var schedule: String
        public var updatesPerSecond: Double
        /// Every verified schedule's rate on the same grid, fastest first.
        public var rates: [ScheduleRate]

        enum CodingKeys: String, CodingKey {
            case rows, cols, iterations, precision, schedule, updatesPerSecond = "updates_per_s", rates
        }
    }

    public struct ScheduleRate: Sendable, Codable {
        public var schedule: String
        public var updatesPerSecond: Double

        enum CodingKeys: String, CodingKey {
            case schedule, updatesPerSecond = "updates_per_s"
        }
    }

    enum CodingKeys: String, CodingKey {
        case bandwidth, bandwidthBytesPerSecond = "bandwidth_bytes_per_s", inCache = "in_cache", l2Bytes = "l2_bytes", threads
    }

    /// Which ceiling applies to a workload, and the update rate it allows.
    public struct Ceiling: Sendable, Codable, Equatable {
        /// "in-cache" or "memory".
        public var kind: String
        public var updatesPerSecond: Double

        enum CodingKeys: String, CodingKey {
            case kind, updatesPerSecond = "updates_per_s"
        }
    }

    /// The ceiling for a rows × cols grid of `precision`.
    public func ceiling(rows: Int, cols: Int, precision: Precision) -> Ceiling {
        let workingSet = 2 * rows * cols * precision.byteWidth
        if let l2Bytes, workingSet <= l2Bytes {
            return Ceiling(kind: "in-cache", updatesPerSecond: inCache.updatesPerSecond)
        }
        return Ceiling(kind: "memory", updatesPerSecond: bandwidthBytesPerSecond / Double(2 * precision.byteWidth))
    }
}
