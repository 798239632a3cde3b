/// What the fast schedules keep between runs, and how to let it go.
///
/// `parallel` and `temporal` keep a team of worker threads per thread count
/// (parked, using no CPU, between runs), a spare grid per precision and
/// `temporal`'s ring buffers, so
/// that a run does not pay for thread start-up and for page-faulting a fresh
/// scratch grid (70–85 ms for a 4096² Double grid). A program that is done
/// with them — or wants the memory back — calls `release()`; a later run
/// creates them again.
public enum ScheduleResources {
    /// Joins the worker threads and frees the spare grids.
    public static func release() {
        ThreadTeam.shutdownShared()
        ScratchPool.purge()
        RingPool.purge()
    }
}
