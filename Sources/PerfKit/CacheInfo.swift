import SystemPackage

/// One kind of CPU cache, as Linux describes it under
/// /sys/devices/system/cpu/cpu*/cache/index*/.
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

    /// Parses a kernel CPU list such as "0-3,8,10-11" into [0, 1, 2, 3, 8, 10, 11].
    /// Malformed items are skipped; an empty text gives [].
    public static func parseCPUList(_ text: String) -> [Int] {
        var cpus: [Int] = []
        for item in text.split(separator: ",") {
            let bounds = item.split(separator: "-").map { Int($0.filter { !$0.isWhitespace }) }
            if bounds.count == 1, let single = bounds[0] {
                cpus.append(single)
            } else if bounds.count == 2, let low = bounds[0], let high = bounds[1], low <= high {
                cpus.append(contentsOf: low...high)
            }
        }
        return cpus
    }

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

    /// Reads every cache of every CPU under `root` (a folder holding
    /// `cpu0/cache/index0/{level,type,size,coherency_line_size,
    /// ways_of_associativity,shared_cpu_list}`, …), folds identical ones and
    /// sorts by level, then Data, Instruction, Unified.
    ///
    /// `root` is injectable so tests can parse fixture folders. Index folders
    /// missing `level`, `type` or `size` are skipped (some virtual machines
    /// publish empty ones).
    /// - Throws: `Errno` when `root` itself cannot be listed.
    public static func scan(root: FilePath = "/sys/devices/system/cpu") throws(Errno) -> [CacheInfo] {
        struct Key: Hashable { var level: Int; var type: String; var size: Int; var line: Int? }
        var order: [Key] = []
        var found: [Key: (info: CacheInfo, sharing: Set<[Int]>)] = [:]
        let cpuFolders = try listDirectory(root).filter { name in
            name.hasPrefix("cpu") && name.count > 3 && name.dropFirst(3).allSatisfy(\.isNumber)
        }.sorted { Int($0.dropFirst(3))! < Int($1.dropFirst(3))! }
        for cpu in cpuFolders {
            let cacheFolder = root.appending(cpu).appending("cache")
            guard let indices = try? listDirectory(cacheFolder) else { continue }
            for index in indices where index.hasPrefix("index") {
                let folder = cacheFolder.appending(index)
                func field(_ name: String) -> String? {
                    (try? readTextFile(folder.appending(name)))?.filter { !$0.isNewline }
                }
                guard let level = field("level").flatMap({ Int($0) }), let type = field("type"),
                      let sizeText = field("size"), let size = try? CacheFit.parseSysfsSize(sizeText) else { continue }
                let line = field("coherency_line_size").flatMap { Int($0) }
                let ways = field("ways_of_associativity").flatMap { Int($0) }
                let cpuNumber = Int(cpu.dropFirst(3))!
                let shared = field("shared_cpu_list").map(parseCPUList) ?? [cpuNumber]
                let key = Key(level: level, type: type, size: size, line: line)
                if var entry = found[key] {
                    entry.sharing.insert(shared)
                    found[key] = entry
                } else {
                    order.append(key)
                    found[key] = (CacheInfo(level: level, type: type, sizeBytes: size, lineSizeBytes: line, ways: ways,
                                            sharedCPUs: shared.isEmpty ? [cpuNumber] : shared), [shared])
                }
            }
        }
        let typeRank = ["Data": 0, "Instruction": 1, "Unified": 2]
        return order.map { key in
            var info = found[key]!.info
            info.instances = found[key]!.sharing.count
            return info
        }.sorted {
            ($0.level, typeRank[$0.type] ?? 3, $0.sizeBytes) < ($1.level, typeRank[$1.type] ?? 3, $1.sizeBytes)
        }
    }
}
