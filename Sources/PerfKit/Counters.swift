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

/// How `Counters` splits events into kernel groups.
///
/// A group is scheduled on the PMU all at once or not at all, which makes
/// ratios inside it exact but means a group larger than the CPU's counters is
/// never counted; separate groups are multiplexed by the kernel and scaled.
public enum CounterGrouping: String, Sendable, Codable, CaseIterable {
    /// Software events together (task-clock apart: see `CounterGroup.measure`);
    /// hardware events in ratio groups —
    /// {cycles, instructions, stalled-cycles-*}, {cache-references,
    /// cache-misses}, {branches, branch-misses} — so "insn per cycle", "% of
    /// all cache refs" and "% of all branches" divide numbers counted over the
    /// same time. An event the kernel will not add to its group gets a group
    /// of its own.
    case automatic
    /// Every event in one group (perf's `{a,b,c}` syntax).
    case single
    /// Every event on its own, as `perf stat -e a,b,c` does.
    case separate
}

/// Where the numbers come from.
public enum CounterSource: Sendable, Codable, Equatable {
    /// The kernel's perf events (`perf_event_open`).
    case perfEvents
    /// `getrusage` and the CPU-time clocks, because perf events are
    /// unavailable (the reason says why) or were declined. Gives task-clock,
    /// page faults (minor/major) and context switches; every other event is
    /// `<not supported>`.
    case resourceUsage(reason: String)
}

/// A set of events counted together over a block of code — perf stat's engine.
///
/// Forgiving where `CounterGroup` is strict: an event the machine lacks is
/// reported as `.notSupported` (never as zero), and when perf_event_open cannot
/// be used at all (ENOSYS, seccomp, not Linux) the software events come from
/// getrusage and the CPU clocks (`source` says so). A permission refusal is
/// still an error, because the fix (perf_event_paranoid) is the user's to make.
///
/// Each group is opened once per counted thread, so `.process` scope uses
/// (events × threads) file descriptors; a process near its RLIMIT_NOFILE gets
/// `CounterError.openFailed` with EMFILE.
///
/// Not Sendable: it owns file descriptors and is meant for one thread.
public final class Counters {
    /// The events, as requested and in that order.
    public let events: [PerfEvent]
    /// The threads counted.
    public let scope: MeasurementScope
    /// Where the numbers come from.
    public let source: CounterSource
    /// Per requested event: the group it is in and its index there; nil when
    /// not supported or in the resource-usage source.
    private var placement: [(group: Int, member: Int)?] = []
    private var groups: [CounterGroup] = []

    /// Whether to try perf events or go straight to getrusage.
    public enum SourcePreference: Sendable {
        /// perf events, falling back to getrusage only if they are unavailable.
        case automatic
        /// getrusage and the CPU clocks only (e.g. after a permission error).
        case resourceUsage
    }

    /// Opens counters for `events` on the threads of `scope`.
    ///
    /// - Throws: `CounterError.permissionDenied` when the kernel refuses even
    ///   user-space counting (the description names perf_event_paranoid, its
    ///   value and the value needed); `.openFailed` for other failures.
    public init(_ events: [PerfEvent], scope: MeasurementScope = .process, grouping: CounterGrouping = .automatic,
                prefer: SourcePreference = .automatic) throws(CounterError) {
        self.events = events
        self.scope = scope
        #if os(Linux)
        if prefer == .resourceUsage {
            source = .resourceUsage(reason: "perf events declined by the caller")
            return
        }
        // Learn what the machine supports, one event at a time.
        var supported: [Int] = []
        var unavailableReason: String? = nil
        var anyAvailable = false
        for (index, event) in events.enumerated() {
            switch PerfEventSyscalls.probe(event) {
            case .success(.supported), .success(.userSpaceOnly):
                supported.append(index)
                anyAvailable = true
            case .success:
                anyAvailable = true
            case .failure(.unavailable(let reason)):
                unavailableReason = unavailableReason ?? reason
            case .failure(let error):
                throw error
            }
        }
        if !anyAvailable && !events.isEmpty {
            source = .resourceUsage(reason: unavailableReason ?? "perf_event_open is unavailable")
            return
        }
        source = .perfEvents
        placement = Array(repeating: nil, count: events.count)
        var pending = Counters.partition(supported, of: events, grouping)
        while !pending.isEmpty {
            let candidate = pending.removeFirst()
            do {
                let group = try CounterGroup(candidate.map { events[$0] }, scope: scope)
                for (member, index) in candidate.enumerated() { placement[index] = (groups.count, member) }
                groups.append(group)
            } catch .eventNotSupported(let event, _) {
                // Supported alone (it was probed), so the group is at fault:
                // give the event a group of its own.
                guard candidate.count > 1, let bad = candidate.firstIndex(where: { events[$0] == event }) else { continue }
                var rest = candidate
                let index = rest.remove(at: bad)
                pending.insert(rest, at: 0)
                pending.append([index])
            }
        }
        // Counting starts now and never pauses; see CounterGroup.measure.
        for group in groups { try group.enable() }
        #else
        source = .resourceUsage(reason: "perf_event_open is Linux-only")
        #endif
    }

    /// Splits the indices of supported events into candidate groups.
    static func partition(_ indices: [Int], of events: [PerfEvent], _ grouping: CounterGrouping) -> [[Int]] {
        switch grouping {
        case .single: return indices.isEmpty ? [] : [indices]
        case .separate: return indices.map { [$0] }
        case .automatic:
            func family(_ event: PerfEvent) -> Int {
                switch event.canonical {
                case .cycles, .instructions, .stalledCyclesFrontend, .stalledCyclesBackend: return 1
                case .cacheReferences, .cacheMisses: return 2
                case .branches, .branchMisses: return 3
                case .taskClock: return 4  // the clock PMU, kept out of the swevent group
                default: return 0  // software
                }
            }
            var families: [Int: [Int]] = [:]
            var order: [Int] = []
            for index in indices {
                let key = family(events[index])
                if families[key] == nil { order.append(key) }
                families[key, default: []].append(index)
            }
            return order.map { families[$0]! }
        }
    }

    /// Counts only what happens inside `body` and returns the counts in the
    /// order of `events`.
    ///
    /// perf events: every group is read, `body` runs, every group is read
    /// again; counts are the differences (the groups count continuously from
    /// `init`, see `CounterGroup.measure`). Resource usage: getrusage and the
    /// CPU clock before and after.
    /// - Throws: `CounterError.readFailed` if a counter cannot be read, or
    ///   whatever `body` throws.
    public func measure<R>(_ body: () throws -> R) throws -> (result: R, counts: [EventCount]) {
        let before = try snapshot()
        let result = try body()
        let after = try snapshot()
        return (result, counts(from: before, to: after))
    }

    /// Cumulative state of every counter.
    struct Snapshot {
        var groups: [[[CounterReading]]] = []
        var usage = ResourceUsage()
        var cpuNanoseconds: UInt64 = 0
        var wallNanoseconds: UInt64 = 0
    }

    func snapshot() throws(CounterError) -> Snapshot {
        var snapshot = Snapshot()
        switch source {
        case .perfEvents:
            for group in groups { snapshot.groups.append(try group.readRaw()) }
        case .resourceUsage:
            snapshot.wallNanoseconds = PerfClock.monotonicNanoseconds()
            snapshot.usage = ResourceUsage.current(scope)
            snapshot.cpuNanoseconds = scope == .process ? PerfClock.processCPUNanoseconds() : PerfClock.threadCPUNanoseconds()
        }
        return snapshot
    }

    func counts(from before: Snapshot, to after: Snapshot) -> [EventCount] {
        switch source {
        case .perfEvents:
            let perGroup = groups.indices.map { index in
                CounterGroup.aggregate(groups[index].events, groups[index].userSpaceOnly,
                                       CounterGroup.difference(after.groups[index], before.groups[index]))
            }
            return events.indices.map { index in
                guard let place = placement[index] else { return .notSupported(events[index]) }
                var count = perGroup[place.group][place.member]
                count.event = events[index]
                return count
            }
        case .resourceUsage:
            let usage = after.usage - before.usage
            let wall = after.wallNanoseconds &- before.wallNanoseconds
            return events.map { event in
                let value: UInt64
                switch event.canonical {
                case .taskClock: value = after.cpuNanoseconds &- before.cpuNanoseconds
                case .pageFaults: value = UInt64(max(0, usage.pageFaults))
                case .minorFaults: value = UInt64(max(0, usage.minorFaults))
                case .majorFaults: value = UInt64(max(0, usage.majorFaults))
                case .contextSwitches: value = UInt64(max(0, usage.contextSwitches))
                default: return .notSupported(event)
                }
                return EventCount.aggregate(event, readings: [CounterReading(count: value, timeEnabled: wall, timeRunning: wall)])
            }
        }
    }

    /// How this machine supports each of `events` (default: all), found by
    /// opening each on the calling thread and closing it again. Off Linux,
    /// every event is `.unavailable`.
    public static func probe(_ events: [PerfEvent] = PerfEvent.allCases) -> [(event: PerfEvent, support: EventSupport)] {
        events.map { event in
            #if os(Linux)
            switch PerfEventSyscalls.probe(event) {
            case .success(let support): return (event, support)
            case .failure(.permissionDenied): return (event, .permissionDenied)
            case .failure(.unavailable): return (event, .unavailable)
            case .failure: return (event, .notSupported)
            }
            #else
            return (event, .unavailable)
            #endif
        }
    }
}
