/// Which threads of this process a measurement covers.
public enum MeasurementScope: String, Sendable, Codable, CaseIterable {
    /// Every thread of the process.
    ///
    /// Counters: one counter per thread listed in `/proc/self/task` when the
    /// counters are opened (so a worker pool created earlier is included),
    /// each inherited by the threads and processes that thread creates later.
    /// Resource usage: `RUSAGE_SELF`. Allocations: the process-wide totals.
    case process

    /// The calling thread, plus (for counters only) the threads and processes
    /// it creates while counting.
    ///
    /// Counters: `pid = 0` with `inherit`. Resource usage: `RUSAGE_THREAD`
    /// (Linux; the whole process elsewhere). Allocations: the calling
    /// thread's own totals, exact even while other threads allocate.
    case callingThread
}
