#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage
#if os(Linux)
import CPerfEvent
#endif

/// Whether and how this machine can count an event, found by opening it.
public enum EventSupport: String, Sendable, Codable, Equatable {
    /// Counts user and kernel mode.
    case supported
    /// Counts only after excluding kernel mode (perf_event_paranoid ≥ 2 without
    /// privilege); perf shows such events with ":u".
    case userSpaceOnly = "user space only"
    /// The CPU or kernel lacks the event (ENOENT, EOPNOTSUPP, ENODEV, EINVAL…).
    case notSupported = "not supported"
    /// Refused for lack of privilege; see `CounterError.permissionDenied`.
    case permissionDenied = "permission denied"
    /// perf_event_open cannot be used at all (ENOSYS, seccomp, not Linux).
    case unavailable
}

/// One perf event group — a leader and its members, scheduled on the PMU
/// together so their ratios are exact — opened on each thread in a scope.
///
/// Every counter is opened with `inherit`, so threads and processes that a
/// counted thread creates later are counted too, and read with
/// `PERF_FORMAT_GROUP | TOTAL_TIME_ENABLED | TOTAL_TIME_RUNNING`: one `read`
/// per thread returns all members and the times needed to scale for
/// multiplexing. The kernel sums live and exited inherited children into a
/// group read (checked on Linux 6.18: a thread's page faults show up while it
/// still runs); on a kernel that refuses `inherit` together with
/// `PERF_FORMAT_GROUP` (EINVAL) the group falls back to reading each member on
/// its own, with the same numbers.
///
/// Threads that already exist are covered by opening the group once per
/// thread listed in `/proc/self/task` (`MeasurementScope.process`) and summing.
/// A thread created between that listing and the open by a thread not yet
/// counted is missed; one that exits keeps its final counts readable.
///
/// This type is strict: it throws if any event cannot be opened. `Counters`
/// is the forgiving layer that reports unsupported events instead.
///
/// Not Sendable: it owns file descriptors and is meant to be used by the
/// thread that made it.
public final class CounterGroup {
    /// The events in the group, leader first.
    public let events: [PerfEvent]
    /// Per event, whether kernel mode had to be excluded.
    public let userSpaceOnly: [Bool]
    /// Whether the group is counting now.
    public private(set) var isEnabled = false
    #if os(Linux)
    /// One entry per thread: leader's descriptor first, then the members'.
    private var descriptors: [[FileDescriptor]] = []
    private var groupRead = true
    #endif

    /// Opens `events` as one group on the threads of `scope`, disabled.
    ///
    /// - Throws: `CounterError.eventNotSupported` naming the first event this
    ///   machine cannot count or cannot add to this group;
    ///   `.permissionDenied` when the kernel refuses even user-space counting;
    ///   `.unavailable` when perf_event_open cannot be used at all;
    ///   `.openFailed` for other failures (e.g. out of file descriptors).
    public init(_ events: [PerfEvent], scope: MeasurementScope = .process) throws(CounterError) {
        precondition(!events.isEmpty, "a counter group needs at least one event")
        self.events = events
        #if os(Linux)
        var modes: [Bool] = []
        for event in events {
            switch PerfEventSyscalls.probe(event) {
            case .success(let support):
                modes.append(support == .userSpaceOnly)
            case .failure(let error):
                throw error
            }
        }
        userSpaceOnly = modes
        let tasks: [pid_t]
        switch scope {
        case .callingThread: tasks = [0]
        case .process: tasks = PerfEventSyscalls.processTasks()
        }
        // Opened into a local first, so a failure part-way closes exactly
        // what this init opened and `deinit` never sees a half-built group.
        var opened: [[FileDescriptor]] = []
        do {
            for task in tasks {
                do {
                    try opened.append(openGroup(on: task, first: opened.isEmpty))
                } catch CounterError.openFailed(_, .noSuchProcess) where task != 0 {
                    continue  // the thread exited after /proc/self/task was listed
                }
            }
        } catch {
            for group in opened { for fd in group { try? fd.close() } }
            throw error
        }
        descriptors = opened
        #else
        throw CounterError.unavailable(reason: "perf_event_open is Linux-only")
        #endif
    }

    deinit {
        #if os(Linux)
        for task in descriptors { for fd in task { try? fd.close() } }
        #endif
    }

    #if os(Linux)
    private func openGroup(on task: pid_t, first: Bool) throws(CounterError) -> [FileDescriptor] {
        var opened: [FileDescriptor] = []
        var failed = true
        defer { if failed { for fd in opened { try? fd.close() } } }
        let times = UInt64(PERF_FORMAT_TOTAL_TIME_ENABLED.rawValue | PERF_FORMAT_TOTAL_TIME_RUNNING.rawValue)
        for (index, event) in events.enumerated() {
            let isLeader = index == 0
            let format = groupRead ? times | UInt64(PERF_FORMAT_GROUP.rawValue) : times
            var result = PerfEventSyscalls.open(event, excludeKernel: userSpaceOnly[index], readFormat: format,
                                                task: task, groupLeader: isLeader ? nil : opened[0])
            if case .failure(.invalidArgument) = result, isLeader, groupRead, first {
                // A kernel that refuses inherit together with group reads.
                groupRead = false
                result = PerfEventSyscalls.open(event, excludeKernel: userSpaceOnly[index], readFormat: times,
                                                task: task, groupLeader: nil)
            }
            switch result {
            case .success(let fd): opened.append(fd)
            case .failure(let errno):
                if errno == .noSuchProcess { throw .openFailed(event: event, errno: errno) }
                throw PerfEventSyscalls.classify(event, errno, userSpaceOnly: userSpaceOnly[index])
            }
        }
        failed = false
        return opened
    }

    /// Starts counting on every thread (PERF_EVENT_IOC_ENABLE on each leader,
    /// for the whole group). Groups are opened disabled.
    public func enable() throws(CounterError) {
        for task in descriptors {
            let status = cperf_event_enable(task[0].rawValue, true)
            if status < 0 { throw .readFailed(errno: Errno(rawValue: -status)) }
        }
        isEnabled = true
    }

    /// Stops counting on every thread; counts are kept. See `measure` for why
    /// measurements do not disable between runs.
    public func disable() throws(CounterError) {
        for task in descriptors {
            let status = cperf_event_disable(task[0].rawValue, true)
            if status < 0 { throw .readFailed(errno: Errno(rawValue: -status)) }
        }
        isEnabled = false
    }

    /// Per thread, per event (in `events` order), the cumulative readings.
    func readRaw() throws(CounterError) -> [[CounterReading]] {
        var all: [[CounterReading]] = []
        all.reserveCapacity(descriptors.count)
        for task in descriptors {
            if groupRead {
                // { nr, time_enabled, time_running, value[nr] }
                let words = try Self.readWords(task[0], count: 3 + events.count)
                guard words[0] == UInt64(events.count) else { throw .readFailed(errno: .ioError) }
                all.append((0..<events.count).map {
                    CounterReading(count: words[3 + $0], timeEnabled: words[1], timeRunning: words[2])
                })
            } else {
                // { value, time_enabled, time_running } per descriptor
                var readings: [CounterReading] = []
                for fd in task {
                    let words = try Self.readWords(fd, count: 3)
                    readings.append(CounterReading(count: words[0], timeEnabled: words[1], timeRunning: words[2]))
                }
                all.append(readings)
            }
        }
        return all
    }

    private static func readWords(_ fd: FileDescriptor, count: Int) throws(CounterError) -> [UInt64] {
        var words = [UInt64](repeating: 0, count: count)
        let bytes: Int
        do { bytes = try words.withUnsafeMutableBytes { try fd.read(into: $0) } } catch {
            throw .readFailed(errno: asErrno(error))
        }
        guard bytes == count * 8 else { throw .readFailed(errno: .ioError) }
        return words
    }
    #else
    public func enable() throws(CounterError) { isEnabled = true }
    public func disable() throws(CounterError) { isEnabled = false }
    func readRaw() throws(CounterError) -> [[CounterReading]] { [] }
    #endif

    /// Number of threads the group is open on.
    public var threadCount: Int {
        #if os(Linux)
        descriptors.count
        #else
        0
        #endif
    }

    /// The cumulative counts so far, per event, summed over threads.
    public func read() throws(CounterError) -> [EventCount] {
        Self.aggregate(events, userSpaceOnly, try readRaw())
    }

    /// Counts only what happens inside `body`: reads before, runs, reads
    /// after and subtracts (so counts from earlier use, and inherited threads
    /// that already exited, do not leak in).
    ///
    /// The group is enabled on first use and left enabled: it keeps counting
    /// between measurements (cheaply) and is never disabled and re-enabled,
    /// because some kernels (seen on Linux 6.18) stop counting the members of
    /// a group that mixes task-clock or cpu-clock with other software events
    /// after a disable/enable cycle. Differences of reads need no disable.
    public func measure<R>(_ body: () throws -> R) throws -> (result: R, counts: [EventCount]) {
        if !isEnabled { try enable() }
        let before = try readRaw()
        let result = try body()
        let after = try readRaw()
        return (result, Self.aggregate(events, userSpaceOnly, Self.difference(after, before)))
    }

    static func difference(_ after: [[CounterReading]], _ before: [[CounterReading]]) -> [[CounterReading]] {
        zip(after, before).map { zip($0, $1).map { $0 - $1 } }
    }

    static func aggregate(_ events: [PerfEvent], _ userSpaceOnly: [Bool], _ perTask: [[CounterReading]]) -> [EventCount] {
        events.indices.map { index in
            EventCount.aggregate(events[index], readings: perTask.map { $0[index] }, userSpaceOnly: userSpaceOnly[index])
        }
    }
}

#if os(Linux)
/// The raw system calls, with errno classification.
enum PerfEventSyscalls {
    static func open(_ event: PerfEvent, excludeKernel: Bool, readFormat: UInt64, task: pid_t,
                     groupLeader: FileDescriptor?) -> Result<FileDescriptor, Errno> {
        let (type, config) = event.kernelEncoding
        let fd = cperf_event_open(type, config, groupLeader == nil, true, excludeKernel, excludeKernel,
                                  readFormat, task, -1, groupLeader?.rawValue ?? -1)
        return fd < 0 ? .failure(Errno(rawValue: -fd)) : .success(FileDescriptor(rawValue: fd))
    }

    /// Opens `event` alone on the calling thread and closes it again, trying
    /// user and kernel mode first and user mode only when refused (perf's own
    /// fallback), to learn whether and how it can be counted.
    static func probe(_ event: PerfEvent) -> Result<EventSupport, CounterError> {
        let format = UInt64(PERF_FORMAT_TOTAL_TIME_ENABLED.rawValue | PERF_FORMAT_TOTAL_TIME_RUNNING.rawValue)
        var result = open(event, excludeKernel: false, readFormat: format, task: 0, groupLeader: nil)
        var userOnly = false
        if case .failure(let errno) = result, errno == .permissionDenied || errno == .notPermitted {
            // Counting kernel mode needs perf_event_paranoid ≤ 1; user mode ≤ 2.
            userOnly = true
            result = open(event, excludeKernel: true, readFormat: format, task: 0, groupLeader: nil)
        }
        switch result {
        case .success(let fd):
            try? fd.close()
            return .success(userOnly ? .userSpaceOnly : .supported)
        case .failure(let errno):
            let error = classify(event, errno, userSpaceOnly: userOnly)
            if case .eventNotSupported = error { return .success(.notSupported) }
            return .failure(error)
        }
    }

    /// Maps a perf_event_open errno to what it means for the user.
    static func classify(_ event: PerfEvent, _ errno: Errno, userSpaceOnly: Bool) -> CounterError {
        switch errno {
        case .noSuchFileOrDirectory, .notSupported, .notSupportedOnSocket, .operationNotSupportedByDevice,
             .noSuchAddressOrDevice, .invalidArgument:
            return .eventNotSupported(event: event, errno: errno)
        case .noFunction:
            return .unavailable(reason: "perf_event_open is not implemented by this kernel (ENOSYS)")
        case .permissionDenied, .notPermitted:
            let paranoid = PerfEventParanoia.current()
            if errno == .notPermitted, let paranoid, paranoid <= PerfEventParanoia.neededForUserSpaceCounting {
                // The sysctl allows it, so something else said no: a seccomp
                // filter (Docker's default) or a security module.
                return .unavailable(reason: "perf_event_open is blocked (EPERM with perf_event_paranoid \(paranoid): seccomp or a security module)")
            }
            return .permissionDenied(event: event, errno: errno, paranoid: paranoid,
                                     needed: PerfEventParanoia.neededForUserSpaceCounting)
        default:
            return .openFailed(event: event, errno: errno)
        }
    }

    /// Thread ids of this process, from /proc/self/task; just the calling
    /// thread (pid 0) if that cannot be listed.
    static func processTasks() -> [pid_t] {
        guard let names = try? listDirectory("/proc/self/task") else { return [0] }
        let tids = names.compactMap { pid_t($0) }
        return tids.isEmpty ? [0] : tids
    }
}
#endif
