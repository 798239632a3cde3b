extension RegionProfiler {
    /// A region opened by `begin(_:)` and not yet closed: where it sits in
    /// the profile and when it was entered.
    public struct OpenRegion: Sendable, Equatable {
        let node: Int
        let start: UInt64
    }

    /// Opens the region `name` inside the region now open (if any) and
    /// starts its clock: the callback form of `measure(_:_:)`, for code that
    /// reports where a block begins and ends instead of handing over a
    /// closure (an observer, a tracing hook).
    ///
    /// Close it with `end(_:)`. Regions must be closed innermost first, on
    /// the thread that opened them, as `measure` nests them.
    ///
    /// - Returns: the open region, or nil when the profiler is disabled
    ///   (then `end(nil)` does nothing).
    public func begin(_ name: String) -> OpenRegion? {
        guard isEnabled else { return nil }
        let node = enter(name)
        return OpenRegion(node: node, start: PerfClock.monotonicNanoseconds())
    }

    /// Closes `region`, adding one hit and the wall time since `begin`.
    ///
    /// - Precondition: `region` is the innermost region still open.
    public func end(_ region: OpenRegion?) {
        guard let region else { return }
        precondition(region.node == current, "regions must be closed innermost first")
        leave(region.node, since: region.start)
    }
}
