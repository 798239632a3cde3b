import Hardware
import SystemPackage

/// One kind of CPU cache, as the operating system describes it (read by
/// Hardware's `CacheReading`, the package's one reader of the host's caches).
///
/// Identical instances (same level, type, size and line size — e.g. one L1d
/// per core) are folded into one value with `instances` counting them.
public struct CacheInfo: Sendable, Codable, Equatable, CustomStringConvertible {
    /// 1, 2, 3, …
    public var level: Int
    /// "Data", "Instruction" or "Unified" (sysfs's `type`).
    public var type: String
    /// Capacity of one instance, bytes (sysfs `size`, where K = 1024).
    public var sizeBytes: Int
    /// Cache line size, bytes (`coherency_line_size`), if reported.
    public var lineSizeBytes: Int?
    /// Associativity (`ways_of_associativity`), if reported.
    public var ways: Int?
    /// Logical CPUs sharing the first instance (`shared_cpu_list`), e.g. [0, 1]
    /// for an L3 shared by two CPUs, [0] for a private L1.
    public var sharedCPUs: [Int]
    /// Number of distinct instances in the machine.
    public var instances: Int

    /// A cache description from its parts.
    enum CodingKeys: String, CodingKey {
        case level, type, sizeBytes = "size_bytes", lineSizeBytes = "line_size_bytes", ways
        case sharedCPUs = "shared_cpus", instances
    }

    public init(level: Int, type: String, sizeBytes: Int, lineSizeBytes: Int? = nil, ways: Int? = nil,
                sharedCPUs: [Int] = [], instances: Int = 1) {
        self.level = level
        self.type = type
        self.sizeBytes = sizeBytes
        self.lineSizeBytes = lineSizeBytes
        self.ways = ways
        self.sharedCPUs = sharedCPUs
        self.instances = instances
    }

    /// perf/lscpu-style name: "L1d", "L1i", "L2", "L3".
    public var name: String {
        switch type {
        case "Data": return "L\(level)d"
        case "Instruction": return "L\(level)i"
        default: return "L\(level)"
        }
    }

    /// The largest square Double grid of which two copies fit in one
    /// instance: `CacheFit.largestSquareGrid(cacheBytes: sizeBytes)`.
    public var largestSquareGrid: Int { CacheFit.largestSquareGrid(cacheBytes: sizeBytes) }

    /// "L3     32 MiB, 64 B lines, 16-way, shared by CPUs 0-1 (1 instance); two Double grids fit up to 1448 × 1448".
    public var description: String {
        var text = name.rightPadded(to: 4) + " " + CacheInfo.formatSize(sizeBytes).leftPadded(to: 8)
        if let lineSizeBytes { text += ", \(lineSizeBytes) B lines" }
        if let ways { text += ", \(ways)-way" }
        let sharing = sharedCPUs.count <= 1 ? "private to each CPU" : "shared by CPUs \(CacheInfo.formatCPUList(sharedCPUs))"
        text += ", \(sharing) (\(instances) instance\(instances == 1 ? "" : "s"))"
        let side = largestSquareGrid
        return text + "; two Double grids fit up to \(side) × \(side)"
    }

    /// "32 KiB", "1 MiB", "1.5 MiB".
    static func formatSize(_ bytes: Int) -> String {
        if bytes >= 1 << 20 && bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 20 { return cFormat("%.1f MiB", Double(bytes) / 1_048_576) }
        if bytes >= 1 << 10 && bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) B"
    }

    /// Parses a kernel CPU list such as "0-3,8,10-11" into [0, 1, 2, 3, 8, 10, 11]
    /// (`CacheReading.parseCPUList`).
    public static func parseCPUList(_ text: String) -> [Int] { CacheReading.parseCPUList(text) }

    /// The inverse of `parseCPUList`: [0, 1, 2, 5] → "0-2,5".
    static func formatCPUList(_ cpus: [Int]) -> String {
        var parts: [String] = []
        var index = 0
        let sorted = cpus.sorted()
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count && sorted[end + 1] == sorted[end] + 1 { end += 1 }
            parts.append(end == index ? "\(sorted[index])" : "\(sorted[index])-\(sorted[end])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }

    /// The caches `reading` describes.
    public init(_ reading: CacheReading) {
        self.init(level: reading.level, type: reading.type, sizeBytes: reading.sizeBytes, lineSizeBytes: reading.lineBytes,
                  ways: reading.ways, sharedCPUs: reading.sharedCPUs, instances: reading.instances)
    }

    /// The cache a machine description states (`--machine`, or the host's
    /// own reading folded per level and type): one instance of its size,
    /// shared by `sharedBy` CPUs, numbered from 0.
    public init(_ cache: MachineDescription.Cache) {
        let type = switch cache.type {
        case .data: "Data"
        case .instruction: "Instruction"
        case .unified: "Unified"
        }
        self.init(level: cache.level, type: type, sizeBytes: cache.sizeBytes, lineSizeBytes: cache.lineBytes,
                  sharedCPUs: Array(0 ..< cache.sharedBy))
    }

    /// Every cache of every CPU under `root` (`CacheReading.scan`): identical
    /// ones folded, sorted by level, then Data, Instruction, Unified.
    /// - Throws: `Errno` when `root` itself cannot be listed.
    public static func scan(root: FilePath = FilePath(CacheReading.sysfsCPURoot)) throws(Errno) -> [CacheInfo] {
        do {
            return try CacheReading.scan(root: root.string).map(CacheInfo.init)
        } catch {
            throw Errno(rawValue: error.code)
        }
    }
}
