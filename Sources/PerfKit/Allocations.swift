import CPerfEvent

/// Heap allocations counted by the optional `CAllocationCounter` interposer.
///
/// `allocations` counts successful malloc, calloc, memalign, aligned_alloc,
/// posix_memalign, valloc, pvalloc and realloc(NULL, n); `reallocations`
/// counts realloc of an existing block; `deallocations` counts free of a
/// non-null pointer and realloc(p, 0); `bytesAllocated` sums the requested
/// sizes of allocations and reallocations (not the allocator's rounding).
public struct AllocationCounts: Sendable, Codable, Equatable, CustomStringConvertible {
    /// Blocks allocated.
    public var allocations: Int
    /// Blocks freed.
    public var deallocations: Int
    /// Blocks resized by realloc.
    public var reallocations: Int
    /// Bytes requested by allocations and reallocations.
    public var bytesAllocated: Int

    /// Counts from their parts.
    public init(allocations: Int = 0, deallocations: Int = 0, reallocations: Int = 0, bytesAllocated: Int = 0) {
        self.allocations = allocations
        self.deallocations = deallocations
        self.reallocations = reallocations
        self.bytesAllocated = bytesAllocated
    }

    /// The counts between two cumulative readings.
    public static func - (later: AllocationCounts, earlier: AllocationCounts) -> AllocationCounts {
        AllocationCounts(allocations: later.allocations - earlier.allocations,
                         deallocations: later.deallocations - earlier.deallocations,
                         reallocations: later.reallocations - earlier.reallocations,
                         bytesAllocated: later.bytesAllocated - earlier.bytesAllocated)
    }

    /// "1,000 allocations (64,000 bytes), 1,000 frees, 0 reallocations".
    public var description: String {
        "\(PerfFormat.grouped(allocations)) allocations (\(PerfFormat.grouped(bytesAllocated)) bytes), "
            + "\(PerfFormat.grouped(deallocations)) frees, \(PerfFormat.grouped(reallocations)) reallocations"
    }
}

/// Allocation counting is not linked into this process.
public struct AllocationCountingUnavailable: Error, Equatable, Sendable, CustomStringConvertible {
    public var description: String {
        "allocation counting unavailable: link the CAllocationCounter target into the executable (glibc Linux only)"
    }
}

/// Counts heap allocations made inside a block.
///
/// Counting is opt-in so that linking PerfKit never replaces a program's
/// malloc: an executable (or test target) that wants it depends on the
/// `CAllocationCounter` target, whose malloc family forwards to glibc and
/// counts only while a measurement is active. PerfKit finds it at run time
/// (a weak symbol, then `dlsym`); without it, `measure` throws
/// `AllocationCountingUnavailable`.
public enum AllocationCounter {
    /// True when the interposer is linked into (or preloaded in) this process.
    public static var isAvailable: Bool { cperf_allocation_counter_available() }

    /// Runs `body` with counting on and returns what it allocated.
    ///
    /// - Parameter scope: `.callingThread` counts only this thread's calls —
    ///   exact even while other threads allocate; `.process` counts every
    ///   thread's calls made while any measurement is active (so concurrent
    ///   unrelated work is included).
    /// - Throws: `AllocationCountingUnavailable` before running `body` when no
    ///   counter is linked; otherwise whatever `body` throws.
    public static func measure<R>(_ scope: MeasurementScope = .process,
                                  _ body: () throws -> R) throws -> (result: R, counts: AllocationCounts) {
        guard cperf_allocation_counting_begin() else { throw AllocationCountingUnavailable() }
        defer { cperf_allocation_counting_end() }
        let before = read(scope)
        let result = try body()
        let after = read(scope)
        return (result, after - before)
    }

    /// Cumulative counts (only what happened while counting was on).
    static func read(_ scope: MeasurementScope) -> AllocationCounts {
        var raw = cperf_allocation_counts()
        _ = cperf_allocation_counts_read(scope == .callingThread, &raw)
        return AllocationCounts(allocations: Int(truncatingIfNeeded: raw.allocations),
                                deallocations: Int(truncatingIfNeeded: raw.deallocations),
                                reallocations: Int(truncatingIfNeeded: raw.reallocations),
                                bytesAllocated: Int(truncatingIfNeeded: raw.bytes_allocated))
    }
}
