#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
#if os(Linux)
import CPerfEvent
#endif

/// A reading of `getrusage(2)`: CPU times, page faults and context switches.
///
/// The figures are cumulative since the process (or thread) started; subtract
/// two readings to measure a block. This is PerfKit's fallback for the
/// software counters when `perf_event_open` is unavailable: `page-faults` is
/// `minorFaults + majorFaults`, `context-switches` is voluntary plus
/// involuntary switches.
public struct ResourceUsage: Sendable, Codable, Equatable {
    /// CPU time spent in user mode, seconds.
    public var userSeconds: Double
    /// CPU time spent in the kernel on behalf of the process, seconds.
    public var systemSeconds: Double
    /// Page faults served without I/O (`ru_minflt`), e.g. first touch of
    /// freshly allocated memory.
    public var minorFaults: Int
    /// Page faults that needed I/O (`ru_majflt`).
    public var majorFaults: Int
    /// Context switches because the thread blocked (`ru_nvcsw`).
    public var voluntaryContextSwitches: Int
    /// Context switches forced by the scheduler (`ru_nivcsw`).
    public var involuntaryContextSwitches: Int
    /// Peak resident set size (`ru_maxrss`) in bytes; a maximum, so a
    /// difference of two readings is not meaningful.
    public var maxResidentBytes: Int

    /// Creates a reading from its parts (for tests and arithmetic).
    public init(userSeconds: Double = 0, systemSeconds: Double = 0, minorFaults: Int = 0, majorFaults: Int = 0,
                voluntaryContextSwitches: Int = 0, involuntaryContextSwitches: Int = 0, maxResidentBytes: Int = 0) {
        self.userSeconds = userSeconds
        self.systemSeconds = systemSeconds
        self.minorFaults = minorFaults
        self.majorFaults = majorFaults
        self.voluntaryContextSwitches = voluntaryContextSwitches
        self.involuntaryContextSwitches = involuntaryContextSwitches
        self.maxResidentBytes = maxResidentBytes
    }

    /// Reads `getrusage` now for the process (`RUSAGE_SELF`) or the calling
    /// thread (`RUSAGE_THREAD`, Linux only; the process elsewhere).
    public static func current(_ scope: MeasurementScope = .process) -> ResourceUsage {
        var usage = rusage()
        #if os(Linux)
        _ = cperf_getrusage(scope == .callingThread, &usage)
        // Linux reports ru_maxrss in KiB.
        let maxRSS = Int(usage.ru_maxrss) * 1024
        #else
        getrusage(RUSAGE_SELF, &usage)
        // Darwin reports ru_maxrss in bytes.
        let maxRSS = Int(usage.ru_maxrss)
        #endif
        return ResourceUsage(
            userSeconds: Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
            systemSeconds: Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6,
            minorFaults: Int(usage.ru_minflt),
            majorFaults: Int(usage.ru_majflt),
            voluntaryContextSwitches: Int(usage.ru_nvcsw),
            involuntaryContextSwitches: Int(usage.ru_nivcsw),
            maxResidentBytes: maxRSS)
    }

    /// The usage between two readings; `maxResidentBytes` keeps the later
    /// reading's value, since a peak cannot be subtracted.
    public static func - (later: ResourceUsage, earlier: ResourceUsage) -> ResourceUsage {
        ResourceUsage(
            userSeconds: later.userSeconds - earlier.userSeconds,
            systemSeconds: later.systemSeconds - earlier.systemSeconds,
            minorFaults: later.minorFaults - earlier.minorFaults,
            majorFaults: later.majorFaults - earlier.majorFaults,
            voluntaryContextSwitches: later.voluntaryContextSwitches - earlier.voluntaryContextSwitches,
            involuntaryContextSwitches: later.involuntaryContextSwitches - earlier.involuntaryContextSwitches,
            maxResidentBytes: later.maxResidentBytes)
    }

    /// Minor plus major faults, as perf's `page-faults` counts them.
    public var pageFaults: Int { minorFaults + majorFaults }

    /// Voluntary plus involuntary switches, as perf's `context-switches`.
    public var contextSwitches: Int { voluntaryContextSwitches + involuntaryContextSwitches }
}
