/// Measures what a timed run costs besides time: heap allocations and page
/// faults. The bench wraps every timed run in one; the default measures
/// nothing, and the command line supplies one backed by PerfKit.
public protocol RunMeter: Sendable {
    /// Runs `body` and returns what it cost.
    func measure(_ body: () throws -> Void) throws -> RunCost
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
