import PerfKit

/// The bench's run meter: heap allocations from PerfKit's malloc counter
/// (when the executable links CAllocationCounter, as `diffuse` does) and
/// page faults from getrusage.
///
/// The bench counts the whole process (`.process`), so that a threaded
/// schedule's workers are counted too. A test that runs beside others in one
/// process counts `.callingThread` instead, with schedules on one thread, so
/// that what the other tests allocate at the same time is not counted.
public struct PerfKitRunMeter: RunMeter {
    /// The threads counted.
    public var scope: MeasurementScope

    public init(scope: MeasurementScope = .process) {
        self.scope = scope
    }

    public func measure(_ body: () throws -> Void) throws -> RunCost {
        let faultsBefore = ResourceUsage.current(scope).pageFaults
        guard AllocationCounter.isAvailable else {
            try body()
            return RunCost(allocations: nil, pageFaults: ResourceUsage.current(scope).pageFaults - faultsBefore)
        }
        let (_, counts) = try AllocationCounter.measure(scope, body)
        return RunCost(allocations: counts.allocations, pageFaults: ResourceUsage.current(scope).pageFaults - faultsBefore)
    }
}
