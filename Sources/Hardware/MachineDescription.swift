/// The machine a plan is made for: the cores it may use, its caches and the
/// vector width the build targets.
///
/// Every plan and heuristic of the solver (thread counts, the temporal
/// schedule's depth and tiles, `auto`'s choice) reads these facts from the
/// value it is given, never from the host, so that a plan can be made for
/// another machine (`diffuse run --machine FILE.json`) and tests can pass
/// explicit machines. `MachineDescription.host` reads this machine, once.
///
/// JSON (snake_case keys; what `diffuse info --format json` prints under
/// `"machine"`):
///
///     {"cpu_model": "AMD EPYC", "cores": 2, "vector_bytes": 64,
///      "caches": [{"level": 1, "type": "data", "size_bytes": 32768, "line_bytes": 64, "shared_by": 1}, …]}
///
/// Only `cores` is required: a missing `caches` is an unknown hierarchy (the
/// accessors below fall back to documented typical sizes), a missing
/// `vector_bytes` is 16 (SSE2 / NEON, which every 64-bit x86 and Arm CPU has).
public struct MachineDescription: Sendable, Hashable, Codable {
    /// The CPU's name, for people ("AMD EPYC 9B14"); nil where unknown.
    public var cpuModel: String?
    /// Logical CPUs this process may run on (at least 1): on Linux the
    /// affinity mask (`sched_getaffinity`), which `taskset`, cpusets and
    /// containers make smaller than the online processors.
    public var cores: Int
    /// Each cache of the hierarchy once, by level; empty when unknown.
    public var caches: [Cache]
    /// The widest vector register the build targets, in bytes: 64 (AVX-512),
    /// 32 (AVX2), 16 (SSE2, NEON).
    public var vectorBytes: Int

    /// A machine from its parts. `cores` below 1 is taken as 1 and
    /// `vectorBytes` below 1 as 16.
    public init(cpuModel: String? = nil, cores: Int, caches: [Cache] = [], vectorBytes: Int = 16) {
        self.cpuModel = cpuModel
        self.cores = max(1, cores)
        self.caches = caches
        self.vectorBytes = vectorBytes >= 1 ? vectorBytes : 16
    }

    enum CodingKeys: String, CodingKey {
        case cpuModel = "cpu_model", cores, caches, vectorBytes = "vector_bytes"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let cores = try container.decode(Int.self, forKey: .cores)
        guard cores >= 1 else {
            throw DecodingError.dataCorruptedError(forKey: .cores, in: container,
                                                   debugDescription: "cores must be at least 1, got \(cores)")
        }
        let vectorBytes = try container.decodeIfPresent(Int.self, forKey: .vectorBytes) ?? 16
        guard vectorBytes >= 1 else {
            throw DecodingError.dataCorruptedError(forKey: .vectorBytes, in: container,
                                                   debugDescription: "vector_bytes must be at least 1, got \(vectorBytes)")
        }
        self.init(cpuModel: try container.decodeIfPresent(String.self, forKey: .cpuModel), cores: cores,
                  caches: try container.decodeIfPresent([Cache].self, forKey: .caches) ?? [], vectorBytes: vectorBytes)
    }

    // MARK: What plans need

    /// Where a level is unknown, the accessors below assume the caches of a
    /// typical current x86 or Arm server core: 32 KiB L1d, 1 MiB L2 per core,
    /// 32 MiB last level, 64-byte lines.
    public enum Fallback {
        public static let level1DataBytes = 32 << 10
        public static let level2BytesPerCore = 1 << 20
        public static let lastLevelBytes = 32 << 20
        public static let lineBytes = 64
    }

    /// The data (or unified) cache of `level`, or nil if the machine has none
    /// or does not say.
    public func dataCache(level: Int) -> Cache? {
        caches.first { $0.level == level && $0.type != .instruction }
    }

    /// The L2 bytes one core can count on: one instance's size divided by the
    /// logical CPUs that share it (the whole of a private L2; a quarter of an
    /// L2 shared by four cores, as on Apple's clusters; half of a private L2
    /// whose two SMT siblings are both visible). `Fallback.level2BytesPerCore`
    /// when the machine has no L2 or does not describe it.
    public var level2BytesPerCore: Int {
        guard let cache = dataCache(level: 2) else { return Fallback.level2BytesPerCore }
        return max(1, cache.sizeBytes / cache.sharedBy)
    }

    /// One instance of the last-level data cache, in bytes: the L3 where there
    /// is one, else the L2 (Apple M), … A machine whose only cache is L1 (or
    /// that describes none above L1) gets `Fallback.lastLevelBytes`.
    public var lastLevelBytes: Int {
        var last: Cache?
        for cache in caches where cache.type != .instruction && cache.level >= 2 && cache.level > (last?.level ?? 0) {
            last = cache
        }
        return last?.sizeBytes ?? Fallback.lastLevelBytes
    }

    /// The L1 data cache of one core, in bytes (`Fallback.level1DataBytes` when unknown).
    public var level1DataBytes: Int {
        dataCache(level: 1)?.sizeBytes ?? Fallback.level1DataBytes
    }

    /// The cache line, in bytes: the L1 data cache's line, else the first
    /// line any cache states, else `Fallback.lineBytes`.
    public var lineBytes: Int {
        dataCache(level: 1)?.lineBytes ?? caches.lazy.compactMap(\.lineBytes).first ?? Fallback.lineBytes
    }
}
