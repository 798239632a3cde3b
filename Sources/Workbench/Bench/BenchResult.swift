import DiffusionKit
import PerfKit

/// The outcome of one schedule or peer on one workload.
public struct BenchResult: Sendable, Codable {
    /// "swift" for Diffuse's schedules, "peer" for the Python and C programs.
    public enum Kind: String, Sendable, Codable { case swift, peer }

    /// How the entry ended.
    public enum Status: String, Sendable, Codable {
        /// Verified against the reference and timed: ranked.
        case verified
        /// Its field differs from the reference's by more than the gate allows:
        /// shown with its error, never ranked, never timed.
        case failed
        /// The schedule does not support the workload.
        case unsupported
        /// A peer that cannot run here (module or compiler missing).
        case skipped
        /// A peer or schedule that stopped with an error.
        case error
    }

    public var variant: String
    public var kind: Kind
    public var seedCounterpart: String
    public var lesson: String
    public var status: Status
    /// Why it is failed, unsupported, skipped or in error.
    public var reason: String?
    public var threads: Int
    public var bestSeconds: Double?
    public var medianSeconds: Double?
    public var runs: Int
    /// Every timed run, in order.
    public var times: [Double]
    public var perIterationSeconds: Double?
    public var updatesPerSecond: Double?
    /// Baseline best time ÷ this best time (nil without a verified baseline).
    public var speedup: Double?
    public var maxAbsError: Double?
    public var tolerance: Double?
    public var verified: Bool
    /// Heap allocations per step once a run is under way (set-up excluded),
    /// per whole run (set-up included), and page faults per run: the fewest
    /// over the timed runs, when a meter measured them.
    public var allocationsPerStep: Double?
    public var allocationsPerRun: Double?
    public var pageFaultsPerRun: Double?
    /// The roof that bounds this entry ("compute", "L1", "L2", "L3" or
    /// "memory": `roof.bound`) and the share of it this entry reaches (1 = 100 %).
    public var ceilingKind: StencilRoof.Bound?
    public var ceilingFraction: Double?
    /// For peers: what ran them ("numpy 2.4.6", "gcc 12.2.0 -O3 -march=native").
    public var version: String?
    /// For `auto`: the plan it followed (schedule, parameters, source, why).
    public var plan: Plan?
    /// The roof over its rate: bound, the rate it allows, the fraction reached.
    public var roof: StencilRoof?

    enum CodingKeys: String, CodingKey {
        case variant, kind, seedCounterpart = "seed_counterpart", lesson, status, reason, threads
        case bestSeconds = "best_s", medianSeconds = "median_s", runs, times = "times_s"
        case perIterationSeconds = "per_iteration_s", updatesPerSecond = "updates_per_s", speedup
        case maxAbsError = "max_abs_error", tolerance, verified
        case allocationsPerStep = "allocations_per_step", allocationsPerRun = "allocations_per_run", pageFaultsPerRun = "page_faults_per_run", version
        case ceilingKind = "ceiling", ceilingFraction = "ceiling_fraction", plan, roof
    }

    init(variant: String, kind: Kind, seedCounterpart: String, lesson: String, threads: Int) {
        self.variant = variant
        self.kind = kind
        self.seedCounterpart = seedCounterpart
        self.lesson = lesson
        self.status = .error
        self.threads = threads
        self.runs = 0
        self.times = []
        self.verified = false
    }

    /// True for entries that take a place in the ranking.
    public var isRanked: Bool { status == .verified && bestSeconds != nil }
}

/// The workload of a table: the problem and the number of steps.
public struct BenchWorkload: Sendable, Codable {
    public var rows: Int
    public var cols: Int
    public var iterations: Int
    public var boundary: String
    public var initial: String
    public var precision: String
    public var diffusivity: Double
    public var dt: Double
    public var dx: Double

    public init(problem: Problem, iterations: Int) {
        rows = problem.rows
        cols = problem.cols
        self.iterations = iterations
        boundary = problem.boundary.description
        initial = problem.initial.description
        precision = problem.precision.rawValue
        diffusivity = problem.diffusivity
        dt = problem.dt
        dx = problem.dx
    }

    /// Cell updates in one run: rows × cols × iterations.
    public var updates: Double { Double(rows) * Double(cols) * Double(iterations) }
}

/// All results for one workload, fastest first.
public struct BenchWorkloadResults: Sendable, Codable {
    public var workload: BenchWorkload
    /// Seconds the reference solver took for the correctness gate.
    public var referenceSeconds: Double
    public var results: [BenchResult]

    enum CodingKeys: String, CodingKey {
        case workload, referenceSeconds = "reference_s", results
    }
}

/// Everything `diffuse bench` measured.
public struct BenchReport: Sendable, Codable {
    /// The machine the numbers come from (CPU, cores, memory, caches, build).
    public var machine: Machine
    /// When the bench ran (ISO 8601).
    public var date: String
    public var workloads: [BenchWorkloadResults]
    /// The roofs from microbenchmarks (compute, L1, L2, L3, memory) that
    /// each result's `roof` is measured against.
    public var roofs: MachineRoofs?
}
