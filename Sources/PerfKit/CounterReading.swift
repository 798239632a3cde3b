/// One counter as the kernel reports it: the raw count plus how long the
/// counter was enabled and how long it was actually running on the PMU.
///
/// When more events are requested than the CPU has counters, the kernel
/// time-slices (multiplexes) them and `timeRunning < timeEnabled`. perf then
/// estimates the full count as `count × timeEnabled / timeRunning` and prints
/// the running share, e.g. "(66.67%)".
public struct CounterReading: Sendable, Codable, Equatable {
    /// Events counted while the counter was running (for `task-clock`, nanoseconds).
    public var count: UInt64
    /// Nanoseconds the counter was enabled (and its task on a CPU).
    public var timeEnabled: UInt64
    /// Nanoseconds the counter was actually scheduled on the hardware.
    public var timeRunning: UInt64

    /// A reading from its parts.
    public init(count: UInt64, timeEnabled: UInt64, timeRunning: UInt64) {
        self.count = count
        self.timeEnabled = timeEnabled
        self.timeRunning = timeRunning
    }

    /// True when the counter ran for only part of the time it was enabled, so
    /// `scaledCount` is an estimate.
    public var isScaled: Bool { timeRunning < timeEnabled }

    /// The count extrapolated to the whole enabled time:
    /// `count × timeEnabled / timeRunning`; the count itself when not
    /// multiplexed; nil when the counter never ran (perf's `<not counted>`)
    /// although it was enabled. A counter never enabled (its thread never ran)
    /// counts 0.
    public var scaledCount: Double? {
        if timeEnabled == 0 { return Double(count) }
        if timeRunning == 0 { return nil }
        if timeRunning >= timeEnabled { return Double(count) }
        return Double(count) * Double(timeEnabled) / Double(timeRunning)
    }

    /// 100 × timeRunning / timeEnabled, perf's "(66.67%)"; 100 when never enabled.
    public var runningPercent: Double {
        timeEnabled == 0 ? 100 : 100 * Double(timeRunning) / Double(timeEnabled)
    }

    /// The reading between two snapshots of the same counter. The kernel's
    /// values only grow; wrapping subtraction keeps a (theoretical) wrap exact.
    public static func - (later: CounterReading, earlier: CounterReading) -> CounterReading {
        CounterReading(count: later.count &- earlier.count,
                       timeEnabled: later.timeEnabled &- earlier.timeEnabled,
                       timeRunning: later.timeRunning &- earlier.timeRunning)
    }
}

/// One event's result over all the threads measured.
public struct EventCount: Sendable, Codable, Equatable {
    /// Whether the event produced a number.
    public enum Status: String, Sendable, Codable {
        /// Counted (possibly scaled).
        case counted
        /// The machine cannot count it: perf's `<not supported>`, never zero.
        case notSupported = "not supported"
        /// Supported and enabled but never scheduled on the PMU: perf's `<not counted>`.
        case notCounted = "not counted"
    }

    /// The event as requested (aliases keep their spelling).
    public var event: PerfEvent
    /// Counted, not supported or not counted.
    public var status: Status
    /// The count, summed over threads, each thread's reading scaled by its own
    /// enabled/running ratio; nil unless `status == .counted`. For
    /// `task-clock`, nanoseconds.
    public var value: Double?
    /// The readings summed over threads (unscaled counts and times).
    public var total: CounterReading
    /// True when any thread's reading was scaled (multiplexed).
    public var isScaled: Bool
    /// True when only user-space events were counted (`exclude_kernel`),
    /// because the kernel refused to count kernel mode; perf adds ":u".
    public var userSpaceOnly: Bool

    /// An event count from its parts.
    public init(event: PerfEvent, status: Status, value: Double?, total: CounterReading,
                isScaled: Bool = false, userSpaceOnly: Bool = false) {
        self.event = event
        self.status = status
        self.value = value
        self.total = total
        self.isScaled = isScaled
        self.userSpaceOnly = userSpaceOnly
    }

    /// An event the machine cannot count.
    public static func notSupported(_ event: PerfEvent) -> EventCount {
        EventCount(event: event, status: .notSupported, value: nil,
                   total: CounterReading(count: 0, timeEnabled: 0, timeRunning: 0))
    }

    /// Combines one event's per-thread readings: each thread's count is scaled
    /// by its own enabled/running ratio and the results are summed (threads
    /// multiplex independently, so scaling the sum would mis-weight them).
    /// Not counted only if some thread was enabled and none ever ran.
    public static func aggregate(_ event: PerfEvent, readings: [CounterReading], userSpaceOnly: Bool = false) -> EventCount {
        var total = CounterReading(count: 0, timeEnabled: 0, timeRunning: 0)
        var value = 0.0
        var scaled = false
        for reading in readings {
            total.count &+= reading.count
            total.timeEnabled &+= reading.timeEnabled
            total.timeRunning &+= reading.timeRunning
            if let part = reading.scaledCount { value += part }
            if reading.isScaled { scaled = true }
        }
        if total.timeEnabled > 0 && total.timeRunning == 0 {
            return EventCount(event: event, status: .notCounted, value: nil, total: total,
                              isScaled: false, userSpaceOnly: userSpaceOnly)
        }
        return EventCount(event: event, status: .counted, value: value, total: total,
                          isScaled: scaled, userSpaceOnly: userSpaceOnly)
    }

    /// perf's running share over all threads, 100 × Σrunning / Σenabled.
    public var runningPercent: Double { total.runningPercent }
}
