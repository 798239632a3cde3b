#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CPerfEvent
import Hardware
import SystemPackage

/// What a measurement ran on: CPU, cores, memory, caches, counters, compiler
/// and build configuration.
public struct Machine: Sendable, Codable, Equatable, CustomStringConvertible {
    /// The CPU's marketing name from /proc/cpuinfo ("model name", or on Arm
    /// "Model"/"Hardware"); nil where not found.
    public var cpuModel: String?
    /// Logical CPUs online (`sysconf(_SC_NPROCESSORS_ONLN)`).
    public var logicalCPUsOnline: Int
    /// Logical CPUs this process may run on (`sched_getaffinity`; equals
    /// online where there is no affinity call), which containers and
    /// `taskset` can make smaller: `MachineDescription.availableCores`.
    public var logicalCPUsAvailable: Int
    /// Physical memory, bytes (`HostMemory.physicalBytes`), if known.
    public var memoryBytes: Int?
    /// Caches, by level; empty where sysfs does not describe them.
    public var caches: [CacheInfo]
    /// How each counter event is supported here; empty unless probed.
    public var counters: [CounterSupport]
    /// The compiler that built PerfKit, e.g. "6.3" (from `#if compiler(>=…)`).
    public var compilerVersion: String
    /// The Swift language mode PerfKit was compiled in, e.g. "6".
    public var languageMode: String
    /// "debug" or "release" (`#if DEBUG`).
    public var buildConfiguration: String
    /// True when built with `-target-cpu native` (the package defines
    /// `NATIVE_TARGET_CPU` then).
    public var nativeTargetCPU: Bool

    enum CodingKeys: String, CodingKey {
        case cpuModel = "cpu_model", logicalCPUsOnline = "logical_cpus_online"
        case logicalCPUsAvailable = "logical_cpus_available", memoryBytes = "memory_bytes", caches, counters
        case compilerVersion = "compiler_version", languageMode = "language_mode"
        case buildConfiguration = "build_configuration", nativeTargetCPU = "native_target_cpu"
    }

    /// One event's support.
    public struct CounterSupport: Sendable, Codable, Equatable {
        /// The event.
        public var event: PerfEvent
        /// How this machine supports it.
        public var support: EventSupport
    }

    /// Collects the facts about this machine.
    ///
    /// - Parameters:
    ///   - probeCounters: open each `PerfEvent` once to learn whether it is
    ///     supported (a few system calls per event).
    ///   - sysfsCPURoot: where the cpu*/cache/index* folders are.
    ///   - cpuinfo: the file with "model name".
    public static func current(probeCounters: Bool = true,
                               sysfsCPURoot: FilePath = FilePath(CacheReading.sysfsCPURoot),
                               cpuinfo: FilePath = "/proc/cpuinfo") -> Machine {
        let online = MachineDescription.onlineProcessors
        let available = MachineDescription.availableCores
        let counters = probeCounters
            ? Counters.probe(PerfEvent.allCases.filter { $0.canonical == $0 }).map { CounterSupport(event: $0.event, support: $0.support) }
            : []
        return Machine(
            cpuModel: (try? readTextFile(cpuinfo)).flatMap(parseCPUModel),
            logicalCPUsOnline: online,
            logicalCPUsAvailable: available,
            memoryBytes: HostMemory.physicalBytes,
            caches: (try? CacheInfo.scan(root: sysfsCPURoot)) ?? [],
            counters: counters,
            compilerVersion: compilerVersion,
            languageMode: languageMode,
            buildConfiguration: buildConfiguration,
            nativeTargetCPU: nativeTargetCPU)
    }

    /// The CPU name in a /proc/cpuinfo text (`MachineDescription.parseCPUModel`).
    public static func parseCPUModel(_ cpuinfo: String) -> String? {
        MachineDescription.parseCPUModel(cpuinfo)
    }

    static var compilerVersion: String {
        #if compiler(>=7.0)
        return ">=7.0"
        #elseif compiler(>=6.4)
        return "6.4"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #elseif compiler(>=6.1)
        return "6.1"
        #elseif compiler(>=6.0)
        return "6.0"
        #else
        return "<6.0"
        #endif
    }

    static var languageMode: String {
        #if swift(>=6.0)
        return "6"
        #else
        return "5"
        #endif
    }

    static var buildConfiguration: String {
        #if DEBUG
        return "debug"
        #else
        return "release"
        #endif
    }

    static var nativeTargetCPU: Bool {
        #if NATIVE_TARGET_CPU
        return true
        #else
        return false
        #endif
    }

    /// A few lines for people:
    /// ```
    /// CPU: AMD EPYC 9B14
    /// Logical CPUs: 2 online, 2 available to this process
    /// Memory: 23.5 GiB
    /// Caches:
    ///   L1d    32 KiB, 64 B lines, 8-way, private to each CPU (2 instances); …
    /// Counters: task-clock supported, cycles not supported, …
    /// Build: Swift 6.3 compiler, language mode 6, release, -target-cpu native
    /// ```
    public var description: String {
        var lines = ["CPU: \(cpuModel ?? "unknown")",
                     "Logical CPUs: \(logicalCPUsOnline) online, \(logicalCPUsAvailable) available to this process"]
        lines.append("Memory: " + (memoryBytes.map { cFormat("%.1f GiB", Double($0) / 1_073_741_824) } ?? "unknown"))
        if caches.isEmpty {
            lines.append("Caches: unknown")
        } else {
            lines.append("Caches:")
            lines += caches.map { "  " + $0.description }
        }
        if !counters.isEmpty {
            lines.append("Counters: " + counters.map { "\($0.event) \($0.support.rawValue)" }.joined(separator: ", "))
        }
        lines.append("Build: Swift \(compilerVersion) compiler, language mode \(languageMode), \(buildConfiguration)"
            + (nativeTargetCPU ? ", -target-cpu native" : ", portable code (no -target-cpu native)"))
        return lines.joined(separator: "\n")
    }
}
