import SystemPackage

/// Why performance counters could not be opened or read.
public enum CounterError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kernel refused for lack of privilege (EACCES/EPERM), even for
    /// user-space-only counting of this process.
    ///
    /// `paranoid` is the value of `/proc/sys/kernel/perf_event_paranoid`
    /// (nil if unreadable); `needed` the largest value that allows this
    /// measurement without CAP_PERFMON (2: user-space counting of one's own
    /// processes).
    case permissionDenied(event: PerfEvent, errno: Errno, paranoid: Int?, needed: Int)
    /// `perf_event_open` failed in a way that is neither "unsupported" nor a
    /// permission refusal (e.g. EMFILE: too many open files).
    case openFailed(event: PerfEvent, errno: Errno)
    /// A counter could not be read or controlled.
    case readFailed(errno: Errno)
    /// The machine cannot count this event, or not in the group asked for
    /// (ENOENT, EOPNOTSUPP, ENODEV, ENXIO, EINVAL). `Counters` reports such
    /// events as `<not supported>`; only `CounterGroup` throws this.
    case eventNotSupported(event: PerfEvent, errno: Errno)
    /// perf_event_open cannot be used in this process at all (ENOSYS, a
    /// seccomp filter, not Linux). `Counters` falls back to getrusage and the
    /// CPU clocks instead of throwing this.
    case unavailable(reason: String)

    public var description: String {
        switch self {
        case let .permissionDenied(event, errno, paranoid, needed):
            let current = paranoid.map(String.init) ?? "unreadable"
            return "perf_event_open refused '\(event)' (\(errno)): /proc/sys/kernel/perf_event_paranoid is \(current); "
                + "counting this process needs \(needed) or less "
                + "(sudo sysctl kernel.perf_event_paranoid=\(needed)) or CAP_PERFMON"
        case let .openFailed(event, errno):
            return "perf_event_open failed for '\(event)': \(errno)"
        case let .readFailed(errno):
            return "reading a performance counter failed: \(errno)"
        case let .eventNotSupported(event, errno):
            return "'\(event)' is not supported on this machine (\(errno)); hardware events are often missing in virtual machines"
        case let .unavailable(reason):
            return "performance counters are unavailable: \(reason)"
        }
    }
}

/// The kernel's perf_event_paranoid setting, which decides who may count what.
///
/// Values: -1 everything; 0 no raw tracepoints for users; 1 no CPU-wide
/// counting for users; 2 user-space counting of one's own processes only
/// (kernel excluded); 3 and above (Debian, Android) no perf_event_open for
/// users at all.
public enum PerfEventParanoia {
    /// Where the setting lives.
    public static let path: FilePath = "/proc/sys/kernel/perf_event_paranoid"

    /// The current value, or nil when the file is missing (no perf events in
    /// this kernel) or unreadable.
    public static func current() -> Int? {
        guard let text = try? readTextFile(path) else { return nil }
        return Int(text.split(whereSeparator: \.isWhitespace).first ?? "")
    }

    /// The largest value that lets an unprivileged user count their own
    /// process in user space (kernel events excluded).
    public static let neededForUserSpaceCounting = 2
}
