import DiffusionKit
import Hardware

/// What `diffuse bench` measures: every chosen schedule (and peer) on every
/// workload, under one timing protocol.
public struct BenchPlan: Sendable {
    /// One problem per grid size; all share the other model settings.
    public var problems: [Problem]
    /// Steps per run: every run is the full workload, never shortened.
    public var iterations: Int
    /// The schedules to time, in the order they are run.
    public var schedules: [any Schedule]
    /// The peers to run beside them (empty without `--peers`).
    public var peers: [Peer]
    /// Seconds of timed runs per schedule after its warm-up.
    public var budget: Double
    /// Timed runs per schedule at the least, whatever the budget.
    public var minimumRuns: Int
    /// Threads for parallel schedules and multithreaded peers (0: all cores).
    public var threads: Int
    /// The machine the schedules plan for (`--machine`; the host by default).
    public var machine: MachineDescription = .host

    public init(problems: [Problem], iterations: Int, schedules: [any Schedule], peers: [Peer] = [],
                budget: Double = 1, minimumRuns: Int = 3, threads: Int = 0) {
        self.problems = problems
        self.iterations = iterations
        self.schedules = schedules
        self.peers = peers
        self.budget = budget
        self.minimumRuns = minimumRuns
        self.threads = threads
    }

    /// The schedule every speedup is measured against: the seed's "pure Python".
    public static let baselineName = "nested"
}
