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
    /// a run of 3k steps less those of a run of k, over the 2k extra steps,
    /// with k the workload's steps but at most 32 (and at least 2). A run's
    /// own set-up (scratch grids, conversions) cancels out, so `nested`
    /// shows its rows + 1 new arrays per step and the in-place rungs show 0.
    /// k is not smaller, because a schedule may plan differently for fewer
    /// steps: `temporal` sweeps at most as deep as the run is long, and a
    /// deeper sweep may cut the grid into tiles (a plan's few allocations
    /// then differed between 2 and 6 steps, and showed as 0.5 a step on
    /// 4096²). Each length runs twice, in turns, and counts its fewest: a
    /// one-off allocation (a buffer pool that another thread emptied just
    /// then, a cache filled on first use) only ever adds, and without this
    /// showed as −0.1 a step now and then when tests ran side by side.
    /// Nil when the meter does not count allocations.
    func steadyStateAllocationsPerStep<Scalar: DiffusionScalar>(
        _ schedule: any Schedule, _ workload: Workload<Scalar>, _ context: ExecutionContext
    ) throws -> Double? {
        let k = max(2, min(workload.steps, 32))
        let lengths = [k, 3 * k]
        var fewest = [Int](repeating: .max, count: lengths.count)
        for _ in 0 ..< 2 {
            for (index, steps) in lengths.enumerated() {
                var grid = workload.freshGrid()
                let cost = try measure {
                    try schedule.run(&grid, steps: steps, problem: workload.problem, context: context)
                }
                guard let allocations = cost.allocations else { return nil }
                fewest[index] = min(fewest[index], allocations)
            }
        }
        return Double(fewest[1] - fewest[0]) / Double(2 * k)
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
