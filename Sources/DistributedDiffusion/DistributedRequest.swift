import DiffusionKit

/// What a distributed run computes and writes: one problem, stepped by every
/// rank on its block.
public struct DistributedRequest: Sendable {
    public var problem: Problem
    public var iterations: Int
    /// The schedule each rank steps its local grid with (all are bit-identical).
    public var schedule: any Schedule
    /// Threads per rank (0: the schedule's default). Ranks on one machine share its cores.
    public var threadsPerRank: Int
    /// Halo depth, or nil for `Decomposition.automaticHaloDepth`.
    public var haloDepth: Int?
    /// The final field as `.npy`, written collectively.
    public var output: String?
    /// A heatmap of the final field, gathered on rank 0 and written there.
    public var png: String?
    /// Snapshots as `.npy` every `every` steps (step 0 included), written collectively.
    public var snapshots: Snapshots?

    /// Where and how often snapshots go.
    public struct Snapshots: Sendable {
        public var every: Int
        /// The folder (created by rank 0 when missing).
        public var folder: String
        /// The file of the snapshot at a step.
        public var path: @Sendable (Int) -> String

        public init(every: Int, folder: String, path: @escaping @Sendable (Int) -> String) {
            self.every = every
            self.folder = folder
            self.path = path
        }
    }

    public init(problem: Problem, iterations: Int, schedule: any Schedule, threadsPerRank: Int = 1,
                haloDepth: Int? = nil, output: String? = nil, png: String? = nil, snapshots: Snapshots? = nil) {
        self.problem = problem
        self.iterations = iterations
        self.schedule = schedule
        self.threadsPerRank = threadsPerRank
        self.haloDepth = haloDepth
        self.output = output
        self.png = png
        self.snapshots = snapshots
    }
}

/// What a distributed run reports (complete on rank 0, which prints it).
public struct DistributedOutcome: Sendable {
    public let isRoot: Bool
    public let ranks: Int
    /// The process grid: [rows, cols].
    public let processRows: Int, processCols: Int
    public let haloDepth: Int
    /// The schedule the ranks stepped with (after `auto`'s choice, on rank 0's block).
    public let scheduleName: String
    public let threadsPerRank: Int
    /// The slowest rank's stepping time (exchanges included).
    public let elapsedSeconds: Double
    /// The slowest rank's time in halo exchanges.
    public let haloSeconds: Double
    /// Mass, minimum and maximum combined over the blocks. The mass is the
    /// sum of the blocks' compensated sums: equal to the one-process mass up
    /// to a few units of round-off (a different summation order), while the
    /// minimum and maximum are exact.
    public let initial: FieldSummary, final: FieldSummary
    public let traffic: HaloTraffic
    /// Halo exchanges made (one per cycle of at most `haloDepth` steps).
    public let exchanges: Int
    public let iterations: Int
    public let files: [String]

    /// Messages per step actually sent, over all ranks.
    public var messagesPerStep: Double {
        iterations > 0 ? Double(traffic.messagesPerExchange * exchanges) / Double(iterations) : 0
    }

    /// Halo bytes per step actually sent, over all ranks.
    public var haloBytesPerStep: Double {
        iterations > 0 ? Double(traffic.bytesPerExchange * exchanges) / Double(iterations) : 0
    }

    /// Halo time as a share of the elapsed time.
    public var haloShare: Double { elapsedSeconds > 0 ? haloSeconds / elapsedSeconds : 0 }
}
