import DiffusionKit
import PerfKit

/// Feeds a schedule's phases (`ExecutionContext.phase`) to a PerfKit
/// `RegionProfiler`: DiffusionKit's `PhaseRecorder` on one side, PerfKit's
/// regions on the other, so neither library learns of the other.
///
/// Phases nest as regions do; each `begin` opens a region inside the one
/// open now, each `end` closes the innermost. Like the profiler, it is meant
/// for the thread that calls `advance` (the protocol promises that phases
/// are reported there), hence `@unchecked Sendable`: the context that
/// carries it is Sendable, the recorder is not shared across threads.
public final class RegionPhaseRecorder: PhaseRecorder, @unchecked Sendable {
    /// The profiler the phases go to.
    public let profiler: RegionProfiler
    private var open: [RegionProfiler.OpenRegion?] = []

    /// A recorder feeding `profiler` (a new one by default).
    public init(profiler: RegionProfiler = RegionProfiler()) {
        self.profiler = profiler
        open.reserveCapacity(8)
    }

    public func begin(_ phase: StaticString) {
        open.append(profiler.begin(phase.description))
    }

    public func end(_ phase: StaticString) {
        precondition(!open.isEmpty, "phase '\(phase)' ended without beginning")
        profiler.end(open.removeLast())
    }
}
