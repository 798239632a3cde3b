#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Nanosecond clocks for measurement.
///
/// Each reading is one `clock_gettime` call, served from the vDSO on Linux
/// (tens of nanoseconds, no system call). Readings are only meaningful as
/// differences taken on the same clock.
public enum PerfClock {
    /// Wall time from `CLOCK_MONOTONIC`, in nanoseconds since an unspecified
    /// start (boot on Linux). Never jumps with wall-clock changes; keeps
    /// running while the process sleeps or waits.
    @inline(__always)
    public static func monotonicNanoseconds() -> UInt64 {
        read(CLOCK_MONOTONIC)
    }

    /// CPU time consumed by the calling thread (`CLOCK_THREAD_CPUTIME_ID`),
    /// user plus system, in nanoseconds. Stops while the thread is blocked.
    @inline(__always)
    public static func threadCPUNanoseconds() -> UInt64 {
        read(CLOCK_THREAD_CPUTIME_ID)
    }

    /// CPU time consumed by all threads of this process
    /// (`CLOCK_PROCESS_CPUTIME_ID`), user plus system, in nanoseconds. This is
    /// what perf's `task-clock` counts for a whole process.
    @inline(__always)
    public static func processCPUNanoseconds() -> UInt64 {
        read(CLOCK_PROCESS_CPUTIME_ID)
    }

    /// The resolution the system reports for `CLOCK_MONOTONIC`, in
    /// nanoseconds (usually 1).
    public static func monotonicResolutionNanoseconds() -> UInt64 {
        var spec = timespec()
        clock_getres(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    @inline(__always)
    static func read(_ clock: clockid_t) -> UInt64 {
        var spec = timespec()
        // These clock ids cannot fail on Linux or Darwin: the only errors are
        // EINVAL for an unknown id and EFAULT for a bad pointer.
        clock_gettime(clock, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }
}

/// Keeps `value` alive and opaque to the optimiser, so a benchmarked body
/// whose result is otherwise unused is not removed as dead code.
@inline(never)
public func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}
