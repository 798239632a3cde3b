import SystemPackage

/// Resident memory of this process at one moment.
public struct MemorySnapshot: Sendable, Codable, Equatable {
    /// Resident set size now (`VmRSS`), bytes.
    public var residentBytes: Int
    /// Highest resident set size so far (`VmHWM`), bytes: since the process
    /// started, or since the peak was last reset.
    public var peakResidentBytes: Int

    /// A snapshot from its parts.
    public init(residentBytes: Int, peakResidentBytes: Int) {
        self.residentBytes = residentBytes
        self.peakResidentBytes = peakResidentBytes
    }
}

/// What a block did to memory: `%memit`'s peak and increment, page faults and,
/// when the counter is linked, heap allocations.
public struct MemoryReport: Sendable, Codable, Equatable, CustomStringConvertible {
    /// Resident bytes just before the block.
    public var baselineBytes: Int
    /// Peak resident bytes during the block (see `peakWasReset`).
    public var peakBytes: Int
    /// `peakBytes − baselineBytes`, never negative: what the block added at
    /// its highest point.
    public var incrementBytes: Int
    /// True when the kernel's peak was reset before the block (writing "5" to
    /// /proc/self/clear_refs), so `peakBytes` is the block's own peak. False
    /// when that was refused (or off Linux): `peakBytes` is then the highest
    /// since the process started, which may predate the block.
    public var peakWasReset: Bool
    /// Minor page faults during the block (getrusage, whole process).
    public var minorFaults: Int
    /// Major page faults during the block (getrusage, whole process).
    public var majorFaults: Int
    /// Heap allocations during the block (whole process), or nil when
    /// allocation counting is not linked in.
    public var allocations: AllocationCounts?

    /// A report from its parts.
    public init(baselineBytes: Int, peakBytes: Int, peakWasReset: Bool, minorFaults: Int = 0, majorFaults: Int = 0,
                allocations: AllocationCounts? = nil) {
        self.baselineBytes = baselineBytes
        self.peakBytes = peakBytes
        self.incrementBytes = max(0, peakBytes - baselineBytes)
        self.peakWasReset = peakWasReset
        self.minorFaults = minorFaults
        self.majorFaults = majorFaults
        self.allocations = allocations
    }

    /// `%memit`'s line, "peak memory: 45.61 MiB, increment: 0.13 MiB", with a
    /// note when the peak could not be reset.
    public var summary: String {
        "peak memory: \(PerfFormat.mebibytes(peakBytes)), increment: \(PerfFormat.mebibytes(incrementBytes))"
            + (peakWasReset ? "" : " (peak since process start: /proc/self/clear_refs not writable)")
    }

    /// `summary`, then faults and allocations on their own lines.
    public var description: String {
        var lines = [summary, "page faults: \(PerfFormat.grouped(minorFaults)) minor, \(PerfFormat.grouped(majorFaults)) major"]
        lines.append("allocations: " + (allocations.map(\.description) ?? "unavailable (CAllocationCounter not linked)"))
        return lines.joined(separator: "\n")
    }
}

/// Resident memory of this process: `/proc/self/status` on Linux.
public enum MemoryUsage {
    /// The current and peak resident set sizes.
    ///
    /// Linux: `VmRSS` and `VmHWM` from /proc/self/status. Elsewhere: both are
    /// getrusage's `ru_maxrss` (the current size is not available there).
    /// - Throws: `Errno` when /proc/self/status cannot be read or lacks the fields.
    public static func current() throws(Errno) -> MemorySnapshot {
        #if os(Linux)
        return try parseStatus(readTextFile("/proc/self/status"))
        #else
        let peak = ResourceUsage.current().maxResidentBytes
        return MemorySnapshot(residentBytes: peak, peakResidentBytes: peak)
        #endif
    }

    /// Parses the `VmRSS:` and `VmHWM:` lines ("VmRSS:     1652 kB") of a
    /// /proc/PID/status text; kB there means KiB.
    /// - Throws: `Errno.invalidArgument` when either line is missing.
    public static func parseStatus(_ text: String) throws(Errno) -> MemorySnapshot {
        var rss: Int? = nil
        var hwm: Int? = nil
        for line in text.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, let value = Int(fields[1]) else { continue }
            let bytes = value * (fields.count >= 3 && fields[2] == "kB" ? 1024 : 1)
            if fields[0] == "VmRSS:" { rss = bytes }
            if fields[0] == "VmHWM:" { hwm = bytes }
        }
        guard let rss, let hwm else { throw .invalidArgument }
        return MemorySnapshot(residentBytes: rss, peakResidentBytes: hwm)
    }

    /// Resets the kernel's peak resident size (`VmHWM`) to the current size
    /// by writing "5" to /proc/self/clear_refs (Linux 4.0+). This affects the
    /// whole process: later readers of VmHWM see the reset too.
    /// - Returns: false when refused or unsupported (e.g. a read-only /proc,
    ///   or not Linux); the peak then keeps counting from process start.
    @discardableResult
    public static func resetPeak() -> Bool {
        #if os(Linux)
        return (try? writeTextFile("/proc/self/clear_refs", "5")) != nil
        #else
        return false
        #endif
    }

    /// `%memit` for a block: resets the peak (where permitted), runs `body`
    /// once, and reports the peak and its increment over the resident size
    /// before, with the page faults (getrusage) and, when
    /// `AllocationCounter.isAvailable`, the heap allocations (whole process)
    /// in between.
    /// - Throws: `Errno` when /proc/self/status cannot be read; whatever `body` throws.
    public static func measure<R>(_ body: () throws -> R) throws -> (result: R, report: MemoryReport) {
        let wasReset = resetPeak()
        let baseline = try current().residentBytes
        let usageBefore = ResourceUsage.current(.process)
        let result: R
        let allocations: AllocationCounts?
        if AllocationCounter.isAvailable {
            let measured = try AllocationCounter.measure(.process, body)
            result = measured.result
            allocations = measured.counts
        } else {
            result = try body()
            allocations = nil
        }
        let usage = ResourceUsage.current(.process) - usageBefore
        let after = try current()
        let report = MemoryReport(baselineBytes: baseline, peakBytes: max(after.peakResidentBytes, after.residentBytes),
                                  peakWasReset: wasReset, minorFaults: usage.minorFaults,
                                  majorFaults: usage.majorFaults, allocations: allocations)
        return (result, report)
    }
}
