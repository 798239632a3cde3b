import Hardware
import PerfKit

/// `diffuse info`: the machine facts a measurement depends on, with the
/// seed's cache arithmetic for each level, and (under `"machine"`) the
/// description the schedules plan for, which `--machine FILE.json` reads back.
public struct MachineReport: Sendable, Codable {
    public struct Cache: Sendable, Codable {
        /// "L1d", "L1i", "L2", "L3".
        public var name: String
        public var level: Int
        public var type: String
        public var sizeBytes: Int
        public var lineSizeBytes: Int?
        public var ways: Int?
        /// CPUs sharing one instance (one CPU: private).
        public var sharedCPUs: [Int]
        public var instances: Int
        /// The side of the largest square Double grid of which two copies
        /// (the field and its scratch) fit in one instance: ⌊√(size / 8 B / 2)⌋.
        public var largestSquareGrid: Int

        /// The facts of `cache`, with its cache fit.
        public init(_ cache: CacheInfo) {
            name = cache.name
            level = cache.level
            type = cache.type
            sizeBytes = cache.sizeBytes
            lineSizeBytes = cache.lineSizeBytes
            ways = cache.ways
            sharedCPUs = cache.sharedCPUs
            instances = cache.instances
            largestSquareGrid = cache.largestSquareGrid
        }

        enum CodingKeys: String, CodingKey {
            case name, level, type, sizeBytes = "size_bytes", lineSizeBytes = "line_size_bytes", ways
            case sharedCPUs = "shared_cpus", instances, largestSquareGrid = "largest_square_grid"
        }
    }

    public var cpuModel: String?
    public var logicalCPUsOnline: Int
    public var logicalCPUsAvailable: Int
    public var memoryBytes: Int?
    public var caches: [Cache]
    /// Each canonical perf event and how it is supported here ("supported",
    /// "user space only", "not supported", "permission denied", "unavailable").
    public var counters: [String: String]
    /// Events in probe order, for people.
    public var counterOrder: [String]
    public var compiler: String
    public var languageMode: String
    public var buildConfiguration: String
    /// "native" when built with -target-cpu native, "baseline" otherwise.
    public var targetCPU: String
    /// What the schedules plan for on this machine: what `--machine` accepts.
    public var machine: MachineDescription

    enum CodingKeys: String, CodingKey {
        case cpuModel = "cpu_model", logicalCPUsOnline = "logical_cpus_online", logicalCPUsAvailable = "logical_cpus_available"
        case memoryBytes = "memory_bytes", caches, counters, counterOrder = "counter_order", compiler
        case languageMode = "language_mode", buildConfiguration = "build_configuration", targetCPU = "target_cpu"
        case machine
    }

    /// The report on `machine`, with `description` (the host by default) as
    /// the machine plans are made for.
    public init(_ machine: Machine, plannedFor description: MachineDescription = .host) {
        cpuModel = machine.cpuModel
        logicalCPUsOnline = machine.logicalCPUsOnline
        logicalCPUsAvailable = machine.logicalCPUsAvailable
        memoryBytes = machine.memoryBytes
        caches = machine.caches.map(Cache.init)
        counters = Dictionary(machine.counters.map { ($0.event.name, $0.support.rawValue) }, uniquingKeysWith: { a, _ in a })
        counterOrder = machine.counters.map(\.event.name)
        compiler = machine.compilerVersion
        languageMode = machine.languageMode
        buildConfiguration = machine.buildConfiguration
        targetCPU = machine.nativeTargetCPU ? "native" : "baseline"
        self.machine = description
    }

    public var text: String {
        var lines = [
            "CPU           \(cpuModel ?? "unknown")",
            "Logical CPUs  \(logicalCPUsOnline) online, \(logicalCPUsAvailable) available to this process",
            "Memory        " + (memoryBytes.map(formatBytes) ?? "unknown"),
            "Build         Swift \(compiler) compiler, language mode \(languageMode), \(buildConfiguration) build, "
                + (targetCPU == "native" ? "-target-cpu native (this machine's vector units)" : "baseline target CPU (portable code)"),
            "Plans for     \(machine.cores) core\(machine.cores == 1 ? "" : "s"), \(machine.vectorBytes)-byte vectors, "
                + "L2 \(Self.cacheSize(machine.level2BytesPerCore)) per core, last level \(Self.cacheSize(machine.lastLevelBytes)), "
                + "\(machine.lineBytes) B lines (`--format json` prints it under \"machine\"; `--machine FILE` plans for another)",
            "",
        ]
        if caches.isEmpty {
            lines.append("Caches: this machine does not describe them (no /sys/devices/system/cpu/cpu*/cache)")
        } else {
            var table = Table(columns: [
                .init("cache", .left), .init("size"), .init("line"), .init("ways"), .init("shared by", .left),
                .init("instances"), .init("two Double grids fit up to"),
            ])
            for cache in caches {
                let sharing = cache.sharedCPUs.count <= 1 ? "1 CPU (private)" : "\(cache.sharedCPUs.count) CPUs (\(CPUList.format(cache.sharedCPUs)))"
                table.rows.append([
                    cache.name, Self.cacheSize(cache.sizeBytes), cache.lineSizeBytes.map { "\($0) B" } ?? "–",
                    cache.ways.map(String.init) ?? "–", sharing, String(cache.instances),
                    cache.type == "Instruction" ? "(instructions)" : "\(cache.largestSquareGrid) × \(cache.largestSquareGrid)",
                ])
            }
            lines.append(table.text.trimmingTrailingNewline)
            lines.append("Cache fit: the largest square grid whose two copies (field and scratch, 8 B a Double) fit in one instance, "
                + "⌊√(size / 8 B / 2)⌋; larger grids spill to the next level (see `diffuse sweep`).")
        }
        lines.append("")
        let groups: [(String, [String])] = [
            ("supported", ["supported"]), ("user space only (:u)", ["user space only"]),
            ("not supported", ["not supported"]), ("refused", ["permission denied", "unavailable"]),
        ]
        lines.append("Counters (perf events):")
        for (title, kinds) in groups {
            let names = counterOrder.filter { kinds.contains(counters[$0] ?? "") }
            if !names.isEmpty { lines.append("  \(title): \(names.joined(separator: ", "))") }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension MachineReport {
    /// "32 KiB", "1 MiB", "1.5 MiB": whole units where they divide evenly.
    static func cacheSize(_ bytes: Int) -> String {
        for (shift, unit) in [(30, "GiB"), (20, "MiB"), (10, "KiB")] where bytes >= 1 << shift {
            return bytes % (1 << shift) == 0 ? "\(bytes >> shift) \(unit)" : formatBytes(bytes)
        }
        return "\(bytes) B"
    }
}

/// Kernel CPU lists: [0, 1, 2, 5] → "0-2,5".
enum CPUList {
    static func format(_ cpus: [Int]) -> String {
        let sorted = cpus.sorted()
        var parts: [String] = []
        var index = 0
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count && sorted[end + 1] == sorted[end] + 1 { end += 1 }
            parts.append(end == index ? "\(sorted[index])" : "\(sorted[index])-\(sorted[end])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }
}

extension String {
    fileprivate var trimmingTrailingNewline: String { hasSuffix("\n") ? String(dropLast()) : self }
}
