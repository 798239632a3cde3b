#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One kind of cache as the operating system describes it, with everything
/// it says: the package's only reader of Linux's
/// /sys/devices/system/cpu/cpu*/cache/index*/ (PerfKit's `CacheInfo` and
/// `MachineDescription.host` are both built from it).
///
/// Identical instances (same level, type, size and line — e.g. one L1d per
/// core) are folded into one value with `instances` counting them.
public struct CacheReading: Sendable, Hashable {
    /// The folder Linux describes the CPUs' caches in.
    public static let sysfsCPURoot = "/sys/devices/system/cpu"

    public var level: Int
    /// sysfs's `type`: "Data", "Instruction" or "Unified".
    public var type: String
    /// Capacity of one instance, bytes (sysfs `size`, where K = 1024).
    public var sizeBytes: Int
    /// `coherency_line_size`, if reported.
    public var lineBytes: Int?
    /// `ways_of_associativity`, if reported.
    public var ways: Int?
    /// Logical CPUs sharing the first instance (`shared_cpu_list`).
    public var sharedCPUs: [Int]
    /// Distinct instances in the machine.
    public var instances: Int

    public init(level: Int, type: String, sizeBytes: Int, lineBytes: Int? = nil, ways: Int? = nil,
                sharedCPUs: [Int] = [], instances: Int = 1) {
        self.level = level
        self.type = type
        self.sizeBytes = sizeBytes
        self.lineBytes = lineBytes
        self.ways = ways
        self.sharedCPUs = sharedCPUs
        self.instances = instances
    }

    /// The entry plans use (`MachineDescription.Cache`); an unrecognised
    /// type is taken as unified.
    public var planCache: MachineDescription.Cache {
        MachineDescription.Cache(level: level, type: .init(sysfs: type) ?? .unified, sizeBytes: sizeBytes,
                                 lineBytes: lineBytes, sharedBy: max(1, sharedCPUs.count))
    }

    /// Reads every cache of every CPU under `root` (a folder holding
    /// `cpuN/cache/indexM/{level,type,size,coherency_line_size,
    /// ways_of_associativity,shared_cpu_list}`), folds identical ones and
    /// sorts by level, then Data, Instruction, Unified.
    ///
    /// `root` is injectable so tests can parse fixture folders. Index folders
    /// missing `level`, `type` or `size` are skipped (some virtual machines
    /// publish empty ones); a CPU without a `cache` folder contributes nothing.
    /// - Throws: `SystemError` when `root` itself cannot be listed (no sysfs:
    ///   not Linux, or a sandbox).
    public static func scan(root: String = sysfsCPURoot) throws(SystemError) -> [CacheReading] {
        struct Key: Hashable { var level: Int; var type: String; var size: Int; var line: Int? }
        var order: [Key] = []
        var found: [Key: (reading: CacheReading, sharing: Set<[Int]>)] = [:]
        let cpuFolders = try SystemFiles.list(root).filter { name in
            name.hasPrefix("cpu") && name.count > 3 && name.dropFirst(3).allSatisfy(\.isNumber)
        }.sorted { Int($0.dropFirst(3))! < Int($1.dropFirst(3))! }
        for cpu in cpuFolders {
            let cacheFolder = root + "/" + cpu + "/cache"
            guard let indices = try? SystemFiles.list(cacheFolder) else { continue }
            for index in indices where index.hasPrefix("index") {
                let folder = cacheFolder + "/" + index + "/"
                func field(_ name: String) -> String? {
                    SystemFiles.read(folder + name).map { String($0.filter { !$0.isNewline }) }
                }
                guard let level = field("level").flatMap({ Int($0) }), let type = field("type"),
                      let sizeText = field("size"), let size = try? parseSize(sizeText) else { continue }
                let line = field("coherency_line_size").flatMap { Int($0) }
                let ways = field("ways_of_associativity").flatMap { Int($0) }
                let cpuNumber = Int(cpu.dropFirst(3))!
                let listed = field("shared_cpu_list").map(parseCPUList) ?? []
                let shared = listed.isEmpty ? [cpuNumber] : listed
                let key = Key(level: level, type: type, size: size, line: line)
                if var entry = found[key] {
                    entry.sharing.insert(shared)
                    found[key] = entry
                } else {
                    order.append(key)
                    found[key] = (CacheReading(level: level, type: type, sizeBytes: size, lineBytes: line, ways: ways,
                                               sharedCPUs: shared), [shared])
                }
            }
        }
        let typeRank = ["Data": 0, "Instruction": 1, "Unified": 2]
        return order.map { key in
            var reading = found[key]!.reading
            reading.instances = found[key]!.sharing.count
            return reading
        }.sorted {
            ($0.level, typeRank[$0.type] ?? 3, $0.sizeBytes) < ($1.level, typeRank[$1.type] ?? 3, $1.sizeBytes)
        }
    }

    /// The caches Darwin states (`sysctl hw.l1dcachesize`, `hw.l1icachesize`,
    /// `hw.l2cachesize`, `hw.l3cachesize`, `hw.cachelinesize`; sharing from
    /// `hw.perflevel0.cpusperl2` where present). Empty elsewhere.
    public static func scanSysctl() -> [CacheReading] {
        #if canImport(Darwin)
        func value(_ name: String) -> Int? {
            var result: Int64 = 0
            var length = MemoryLayout<Int64>.size
            guard sysctlbyname(name, &result, &length, nil, 0) == 0, result > 0 else { return nil }
            return Int(result)
        }
        let line = value("hw.cachelinesize")
        let perL2 = value("hw.perflevel0.cpusperl2") ?? 1
        var readings: [CacheReading] = []
        if let size = value("hw.l1dcachesize") { readings.append(.init(level: 1, type: "Data", sizeBytes: size, lineBytes: line, sharedCPUs: [0])) }
        if let size = value("hw.l1icachesize") { readings.append(.init(level: 1, type: "Instruction", sizeBytes: size, lineBytes: line, sharedCPUs: [0])) }
        if let size = value("hw.perflevel0.l2cachesize") ?? value("hw.l2cachesize") {
            readings.append(.init(level: 2, type: "Unified", sizeBytes: size, lineBytes: line, sharedCPUs: Array(0 ..< perL2)))
        }
        if let size = value("hw.l3cachesize") { readings.append(.init(level: 3, type: "Unified", sizeBytes: size, lineBytes: line)) }
        return readings
        #else
        return []
        #endif
    }

    /// Bytes in a sysfs cache size such as "32K" or "32768K" (sysfs K = KiB =
    /// 1024 bytes; M = MiB, G = GiB; no suffix = bytes; surrounding white
    /// space ignored).
    /// - Throws: `CacheSizeError` for anything else.
    public static func parseSize(_ text: String) throws(CacheSizeError) -> Int {
        let trimmed = text.filter { !$0.isWhitespace }
        guard let last = trimmed.last else { throw CacheSizeError(text: text) }
        let multipliers: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        let (digits, multiplier) = last.isNumber ? (Substring(trimmed), 1)
            : (trimmed.dropLast(), multipliers[Character(last.uppercased())] ?? 0)
        guard multiplier > 0, !digits.isEmpty, digits.allSatisfy(\.isASCII), let value = Int(digits), value >= 0
        else { throw CacheSizeError(text: text) }
        return value * multiplier
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
}

/// A cache size that is not a number with an optional K, M or G suffix.
public struct CacheSizeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text that could not be read.
    public var text: String
    public init(text: String) { self.text = text }
    public var description: String { "cannot read cache size '\(text)': expected digits and an optional K, M or G" }
}
