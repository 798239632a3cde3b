import DiffusionKit

/// Measures what a timed run costs besides time: heap allocations and page
/// faults. The bench wraps every timed run in one; the default measures
/// nothing, and the command line supplies one backed by PerfKit.
public protocol RunMeter: Sendable {
    /// Runs `body` and returns what it cost.
    func measure(_ body: () throws -> Void) throws -> RunCost
}

extension RunMeter {
    /// Heap allocations per step once a run is under way: the allocations of
    /// a 6-step run less those of a 2-step run, over the 4 extra steps. A
    /// run's own set-up (scratch grids, conversions) cancels out, so `nested`
    /// shows its rows + 1 new arrays per step and the in-place rungs show 0.
    /// Nil when the meter does not count allocations.
    func steadyStateAllocationsPerStep<Scalar: DiffusionScalar>(
        _ schedule: any Schedule, _ workload: Workload<Scalar>, _ context: ExecutionContext
    ) throws -> Double? {
        var counts: [Int] = []
        for steps in [2, 6] {
            var grid = workload.freshGrid()
            let cost = try measure {
                try schedule.run(&grid, steps: steps, problem: workload.problem, context: context)
            }
            guard let allocations = cost.allocations else { return nil }
            counts.append(allocations)
        }
        return Double(counts[1] - counts[0]) / 4
    }
}

/// The costs of one run; nil where the meter cannot measure.
public struct RunCost: Sendable {
    public var allocations: Int?
    public var pageFaults: Int?

    public init(allocations: Int?, pageFaults: Int?) {
        self.allocations = allocations
        self.pageFaults = pageFaults
    }
}

/// A meter that measures nothing.
public struct NoRunMeter: RunMeter {
    public init() {}

    public func measure(_ body: () throws -> Void) throws -> RunCost {
        try body()
        return RunCost(allocations: nil, pageFaults: nil)
    }
}
