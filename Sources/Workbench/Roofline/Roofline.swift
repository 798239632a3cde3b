import DiffusionKit
import PerfKit

/// This machine's ceilings for the stencil, and how close a run comes to them.
///
/// Three ceilings bound an explicit-Euler sweep, one for each place its two
/// grids (its working set: rows × cols × element size × 2) can live:
/// - **In-cache update rate**, when they fit in the L2 caches of the cores
///   used: the best rate any verified schedule reaches on a grid whose two
///   copies fill those caches, on all cores. The arithmetic, the load/store
///   ports and the per-step synchronisation are then the limit.
/// - **L3 bandwidth**, when they fit in the last-level cache, and
/// - **memory (DRAM) bandwidth** beyond it, both measured as STREAM does. One
///   step per sweep must read every cell and write every cell at least once:
///   2 × 8 B per update in double precision (2 × 4 B in single), so a
///   schedule doing one step per pass cannot exceed bandwidth ÷ 16 B updates
///   per second. Only temporal blocking (several steps per pass, the grid
///   staying in a closer cache between them) gets past it: its share of these
///   ceilings can exceed 100 %, and that is the point.
public struct Roofline: Sendable, Codable {
    /// STREAM copy and triad on all cores, arrays four times the last cache.
    public var bandwidth: [MemoryBandwidth.Result]
    /// The best of the STREAM kernels, bytes per second.
    public var bandwidthBytesPerSecond: Double
    /// STREAM copy and triad on arrays that fit in the last-level cache
    /// (nil when the machine reports no L3).
    public var cacheBandwidth: [MemoryBandwidth.Result]?
    /// The best of those, bytes per second.
    public var cacheBandwidthBytesPerSecond: Double?
    /// The last-level cache's size in bytes, when there is an L3.
    public var l3Bytes: Int?
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
        case cacheBandwidth = "l3_bandwidth", cacheBandwidthBytesPerSecond = "l3_bandwidth_bytes_per_s", l3Bytes = "l3_bytes"
    }

    /// Which ceiling applies to a workload, and the update rate it allows.
    public struct Ceiling: Sendable, Codable, Equatable {
        /// Where the working set lives, and so which ceiling bounds it;
        /// encoded as "in-cache", "L3" or "memory".
        public enum Kind: String, Sendable, Codable {
            /// The two grids fit in the L2 caches of the cores used.
            case inCache = "in-cache"
            /// They fit in the last-level cache.
            case l3 = "L3"
            /// They live in DRAM.
            case memory

            /// The roof of the measured model (`StencilRoof`) it stands for.
            public var bound: StencilRoof.Bound {
                switch self {
                case .inCache: .l2
                case .l3: .l3
                case .memory: .memory
                }
            }
        }

        public var kind: Kind
        public var updatesPerSecond: Double

        enum CodingKeys: String, CodingKey {
            case kind, updatesPerSecond = "updates_per_s"
        }
    }

    /// The ceiling for a rows × cols grid of `precision`.
    public func ceiling(rows: Int, cols: Int, precision: Precision) -> Ceiling {
        let workingSet = 2 * rows * cols * precision.byteWidth
        let bytesPerUpdate = Double(2 * precision.byteWidth)
        if let l2Bytes, workingSet <= l2Bytes {
            return Ceiling(kind: .inCache, updatesPerSecond: inCache.updatesPerSecond)
        }
        if let l3Bytes, let cacheBandwidthBytesPerSecond, workingSet <= l3Bytes {
            return Ceiling(kind: .l3, updatesPerSecond: cacheBandwidthBytesPerSecond / bytesPerUpdate)
        }
        return Ceiling(kind: .memory, updatesPerSecond: bandwidthBytesPerSecond / bytesPerUpdate)
    }
}
