#if os(Linux)
import CPerfEvent
#endif

/// A performance counter event, named as `perf stat -e` names it.
///
/// Aliases are separate cases (`faults` for `page-faults`, `cs` for
/// `context-switches`, `migrations` for `cpu-migrations`) so a report prints
/// the spelling that was asked for, as perf does; `canonical` maps an alias to
/// its main name. Hardware events count in the CPU's PMU and are often missing
/// in virtual machines; software events are counted by the kernel and are
/// available wherever `perf_event_open` is.
public enum PerfEvent: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    /// CPU cycles while the task runs (`PERF_COUNT_HW_CPU_CYCLES`).
    case cycles
    /// Cycles the front end (fetch/decode) could not issue (`…_STALLED_CYCLES_FRONTEND`).
    case stalledCyclesFrontend = "stalled-cycles-frontend"
    /// Cycles the back end (execution) was stalled (`…_STALLED_CYCLES_BACKEND`).
    case stalledCyclesBackend = "stalled-cycles-backend"
    /// Instructions retired (`PERF_COUNT_HW_INSTRUCTIONS`).
    case instructions
    /// Last-level cache accesses, as the CPU defines them (`…_CACHE_REFERENCES`).
    case cacheReferences = "cache-references"
    /// Last-level cache misses (`PERF_COUNT_HW_CACHE_MISSES`).
    case cacheMisses = "cache-misses"
    /// Branch instructions retired (`PERF_COUNT_HW_BRANCH_INSTRUCTIONS`).
    case branches
    /// Mispredicted branches (`PERF_COUNT_HW_BRANCH_MISSES`).
    case branchMisses = "branch-misses"
    /// Time the task was on a CPU, nanoseconds (`PERF_COUNT_SW_TASK_CLOCK`);
    /// perf prints it in msec.
    case taskClock = "task-clock"
    /// Page faults, minor and major (`PERF_COUNT_SW_PAGE_FAULTS`).
    case pageFaults = "page-faults"
    /// Alias of `page-faults`.
    case faults
    /// Page faults served without I/O (`PERF_COUNT_SW_PAGE_FAULTS_MIN`).
    case minorFaults = "minor-faults"
    /// Page faults that needed I/O (`PERF_COUNT_SW_PAGE_FAULTS_MAJ`).
    case majorFaults = "major-faults"
    /// Context switches (`PERF_COUNT_SW_CONTEXT_SWITCHES`).
    case contextSwitches = "context-switches"
    /// Alias of `context-switches`.
    case cs
    /// Moves of the task to another CPU (`PERF_COUNT_SW_CPU_MIGRATIONS`).
    case cpuMigrations = "cpu-migrations"
    /// Alias of `cpu-migrations`.
    case migrations

    /// perf's name for the event, as spelled by this case.
    public var name: String { rawValue }

    public var description: String { rawValue }

    /// The main spelling of this event (an alias maps to its target).
    public var canonical: PerfEvent {
        switch self {
        case .faults: return .pageFaults
        case .cs: return .contextSwitches
        case .migrations: return .cpuMigrations
        default: return self
        }
    }

    /// True for events counted by the CPU's PMU, false for kernel software events.
    public var isHardware: Bool {
        switch canonical {
        case .cycles, .stalledCyclesFrontend, .stalledCyclesBackend, .instructions,
             .cacheReferences, .cacheMisses, .branches, .branchMisses:
            return true
        default:
            return false
        }
    }

    /// The unit perf prints before the name: "msec" for `task-clock`, "" for counts.
    public var unit: String { canonical == .taskClock ? "msec" : "" }

    /// perf's default event list for `perf stat` without `-e`.
    public static let perfStatDefaults: [PerfEvent] = [
        .taskClock, .contextSwitches, .cpuMigrations, .pageFaults,
        .cycles, .stalledCyclesFrontend, .stalledCyclesBackend, .instructions, .branches, .branchMisses,
    ]

    /// The seed's list: `-e cycles,stalled-cycles-frontend,stalled-cycles-backend,
    /// instructions,cache-references,cache-misses,branches,branch-misses,
    /// task-clock,faults,minor-faults,cs,migrations`.
    public static let seedEvents: [PerfEvent] = [
        .cycles, .stalledCyclesFrontend, .stalledCyclesBackend, .instructions,
        .cacheReferences, .cacheMisses, .branches, .branchMisses,
        .taskClock, .faults, .minorFaults, .cs, .migrations,
    ]

    /// Parses one perf event name (case-insensitive, surrounding spaces ignored).
    /// Also accepts perf's other spellings `branch-instructions`,
    /// `idle-cycles-frontend` and `idle-cycles-backend`.
    ///
    /// - Throws: `PerfEventError.unknownEvent`, whose description lists the
    ///   valid names.
    public init(parsing name: String) throws(PerfEventError) {
        let key = String(name.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed()).lowercased()
        switch key {
        case "branch-instructions": self = .branches
        case "idle-cycles-frontend": self = .stalledCyclesFrontend
        case "idle-cycles-backend": self = .stalledCyclesBackend
        default:
            guard let event = PerfEvent(rawValue: key) else { throw .unknownEvent(name) }
            self = event
        }
    }

    /// Parses a comma-separated list as given to `perf stat -e`
    /// ("cycles,instructions,task-clock"). Empty items are ignored.
    ///
    /// - Throws: `PerfEventError.unknownEvent` for the first unknown name,
    ///   `PerfEventError.emptyList` when no name is given.
    public static func parseList(_ list: String) throws(PerfEventError) -> [PerfEvent] {
        var events: [PerfEvent] = []
        for item in list.split(separator: ",") where !item.allSatisfy({ $0 == " " }) {
            events.append(try PerfEvent(parsing: String(item)))
        }
        guard !events.isEmpty else { throw .emptyList }
        return events
    }
}

/// Why an event name could not be parsed.
public enum PerfEventError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The name is not one of `PerfEvent`'s.
    case unknownEvent(String)
    /// An event list named no event.
    case emptyList

    public var description: String {
        let valid = PerfEvent.allCases.map(\.rawValue).joined(separator: ", ")
        switch self {
        case .unknownEvent(let name): return "unknown event '\(name)'; valid events: \(valid)"
        case .emptyList: return "no event named; valid events: \(valid)"
        }
    }
}

#if os(Linux)
extension PerfEvent {
    /// perf_event_attr.type and .config for this event.
    var kernelEncoding: (type: UInt32, config: UInt64) {
        let hardware = PERF_TYPE_HARDWARE.rawValue
        let software = PERF_TYPE_SOFTWARE.rawValue
        switch self {
        case .cycles: return (hardware, UInt64(PERF_COUNT_HW_CPU_CYCLES.rawValue))
        case .stalledCyclesFrontend: return (hardware, UInt64(PERF_COUNT_HW_STALLED_CYCLES_FRONTEND.rawValue))
        case .stalledCyclesBackend: return (hardware, UInt64(PERF_COUNT_HW_STALLED_CYCLES_BACKEND.rawValue))
        case .instructions: return (hardware, UInt64(PERF_COUNT_HW_INSTRUCTIONS.rawValue))
        case .cacheReferences: return (hardware, UInt64(PERF_COUNT_HW_CACHE_REFERENCES.rawValue))
        case .cacheMisses: return (hardware, UInt64(PERF_COUNT_HW_CACHE_MISSES.rawValue))
        case .branches: return (hardware, UInt64(PERF_COUNT_HW_BRANCH_INSTRUCTIONS.rawValue))
        case .branchMisses: return (hardware, UInt64(PERF_COUNT_HW_BRANCH_MISSES.rawValue))
        case .taskClock: return (software, UInt64(PERF_COUNT_SW_TASK_CLOCK.rawValue))
        case .pageFaults, .faults: return (software, UInt64(PERF_COUNT_SW_PAGE_FAULTS.rawValue))
        case .minorFaults: return (software, UInt64(PERF_COUNT_SW_PAGE_FAULTS_MIN.rawValue))
        case .majorFaults: return (software, UInt64(PERF_COUNT_SW_PAGE_FAULTS_MAJ.rawValue))
        case .contextSwitches, .cs: return (software, UInt64(PERF_COUNT_SW_CONTEXT_SWITCHES.rawValue))
        case .cpuMigrations, .migrations: return (software, UInt64(PERF_COUNT_SW_CPU_MIGRATIONS.rawValue))
        }
    }
}
#endif
