import PerfKit

/// The bench's run meter: heap allocations from PerfKit's malloc counter
/// (when the executable links CAllocationCounter, as `diffuse` does) and
/// page faults from getrusage, both for the whole process.
public struct PerfKitRunMeter: RunMeter {
    public init() {}

    public func measure(_ body: () throws -> Void) throws -> RunCost {
        let faultsBefore = ResourceUsage.current(.process).pageFaults
        guard AllocationCounter.isAvailable else {
            try body()
            return RunCost(allocations: nil, pageFaults: ResourceUsage.current(.process).pageFaults - faultsBefore)
        }
        let (_, counts) = try AllocationCounter.measure(.process, body)
        return RunCost(allocations: counts.allocations, pageFaults: ResourceUsage.current(.process).pageFaults - faultsBefore)
    }
}
