import PerfKit

/// This machine's ceilings, from microbenchmarks and first principles only —
/// never from this project's stencil:
///
/// - **compute:** peak vector add and FMA throughput, double and float, on
///   one core and on all cores used (`PeakFlops`: independent accumulator
///   chains, as likwid-bench's `peakflops`);
/// - **memory:** the bandwidth of L1, L2, L3 and DRAM, each with a working
///   set sized from the machine's caches (`LevelBandwidth`: load, copy and
///   triad, as likwid-bench's kernels), on one core and on all.
///
/// A schedule's roof (`StencilRoof`) divides these by the work and traffic
/// it must do per update at each level (`StencilTraffic`).
public struct MachineRoofs: Sendable, Codable {
    /// The threads of the all-core measurements.
    public var threads: Int
    public var compute: [PeakFlops.Result]
    public var levels: [Level]
    /// likwid-bench's figures for the same roofs, where it is installed.
    public var likwid: [LikwidFigure]?

    /// One level of the hierarchy and its measured bandwidths.
    public struct Level: Sendable, Codable {
        /// "L1", "L2", "L3" or "memory".
        public var name: String
        /// Capacity that decides whether data lives here: per core for a
        /// private cache, the instance for a shared one (bytes; nil for memory).
        public var capacityBytesPerCore: Int?
        /// Capacity of the level for all cores used together (nil for memory).
        public var capacityBytesAllCores: Int?
        /// Each kernel on one thread and on `threads` threads.
        public var bandwidth: [LevelBandwidth.Result]

        enum CodingKeys: String, CodingKey {
            case name, capacityBytesPerCore = "capacity_bytes_per_core", capacityBytesAllCores = "capacity_bytes_all_cores", bandwidth
        }

        public init(name: String, capacityBytesPerCore: Int?, capacityBytesAllCores: Int?, bandwidth: [LevelBandwidth.Result]) {
            self.name = name
            self.capacityBytesPerCore = capacityBytesPerCore
            self.capacityBytesAllCores = capacityBytesAllCores
            self.bandwidth = bandwidth
        }

        /// The best kernel's bandwidth on `threads` threads (1 or all),
        /// bytes per second: the most generous figure, so that a roof built
        /// on it is never too low.
        public func bestBytesPerSecond(threads: Int) -> Double? {
            bandwidth.filter { $0.threads == threads }.map(\.bytesPerSecond).max()
        }
    }

    enum CodingKeys: String, CodingKey { case threads, compute, levels, likwid }

    public init(threads: Int, compute: [PeakFlops.Result], levels: [Level], likwid: [LikwidFigure]? = nil) {
        self.threads = threads
        self.compute = compute
        self.levels = levels
        self.likwid = likwid
    }

    /// These roofs and `other`'s (measured on the same machine and threads)
    /// together: each figure the larger of the two. A busy moment on a shared
    /// machine only ever lowers a measured peak or bandwidth, so the larger
    /// is the better estimate of the ceiling; `likwid` stays this one's.
    public func merged(with other: MachineRoofs) -> MachineRoofs {
        var merged = self
        for index in merged.compute.indices {
            let mine = merged.compute[index]
            if let theirs = other.peak(mine.precision, mine.operation, threads: mine.threads) {
                merged.compute[index].flopsPerSecond = max(mine.flopsPerSecond, theirs)
            }
        }
        for l in merged.levels.indices {
            guard let theirs = other.levels.first(where: { $0.name == merged.levels[l].name }) else { continue }
            for b in merged.levels[l].bandwidth.indices {
                let mine = merged.levels[l].bandwidth[b]
                if let match = theirs.bandwidth.first(where: { $0.kernel == mine.kernel && $0.threads == mine.threads }) {
                    merged.levels[l].bandwidth[b].bytesPerSecond = max(mine.bytesPerSecond, match.bytesPerSecond)
                }
            }
        }
        return merged
    }

    /// Peak flops per second of `operation` in `precision` on `threads` (1 or all).
    public func peak(_ precision: PeakFlops.Precision, _ operation: PeakFlops.Operation, threads: Int) -> Double? {
        compute.first { $0.precision == precision && $0.operation == operation && $0.threads == threads }?.flopsPerSecond
    }

    /// The figures for a schedule on `used` threads: the one-core figures for
    /// one thread, else the all-core ones scaled by used ÷ measured threads
    /// when it uses fewer (cores scale linearly at best, so this never lowers a
    /// roof below what those threads could do).
    func scale(for used: Int) -> (threads: Int, factor: Double) {
        if used <= 1 || threads <= 1 { return (1, Double(max(1, used))) }
        return (threads, Double(min(used, threads)) / Double(threads))
    }
}

/// A figure likwid-bench printed, for comparison.
public struct LikwidFigure: Sendable, Codable {
    /// likwid-bench's test (`peakflops_avx512_fma`, `load_avx`, …).
    public var test: String
    /// The roof it stands beside ("double fma", "L2 load", …).
    public var roof: String
    public var threads: Int
    public var workingSetBytes: Int
    /// Flops per second (peakflops tests) or bytes per second (the others).
    public var value: Double
    /// Ours for the same roof, same unit.
    public var ours: Double?

    enum CodingKeys: String, CodingKey {
        case test, roof, threads, workingSetBytes = "working_set_bytes", value, ours
    }
}
