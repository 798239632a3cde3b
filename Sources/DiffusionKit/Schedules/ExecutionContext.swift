import Hardware

/// How a schedule may run, apart from what it computes: the machine it plans
/// for, how many threads it may use and whether its phases are being profiled.
public struct ExecutionContext: Sendable {
    /// Threads a parallel schedule may use; 0 means every core of `machine`.
    /// Single-core schedules ignore it.
    public var threads: Int
    /// The machine plans are made for: its cores set the default thread
    /// count, its caches the temporal schedule's depth and tiles. `.host`
    /// unless a caller plans for another machine (tests, `--machine`).
    public var machine: MachineDescription
    /// Receives the schedule's phases (`copy`, `laplacian`, `update`, …) when
    /// profiling; nil otherwise, which costs one branch per phase.
    public var phases: (any PhaseRecorder)?

    public init(threads: Int = 0, phases: (any PhaseRecorder)? = nil, machine: MachineDescription = .host) {
        self.threads = threads
        self.phases = phases
        self.machine = machine
    }

    /// Runs `body` as the phase `name`, reporting it to `phases` if set.
    @inlinable @inline(__always)
    public func phase<R>(_ name: StaticString, _ body: () throws -> R) rethrows -> R {
        guard let phases else { return try body() }
        phases.begin(name)
        defer { phases.end(name) }
        return try body()
    }

    /// The number of threads to use: `threads`, or the machine's cores when 0.
    public var resolvedThreads: Int {
        threads > 0 ? threads : machine.cores
    }
}

/// Receives the phases of a step as they begin and end, for a profiler that
/// shows which part of a schedule takes the time (the seed's `%lprun`).
///
/// Phases nest; `begin` and `end` come in matching pairs on the thread that
/// called `advance`.
public protocol PhaseRecorder: AnyObject, Sendable {
    func begin(_ phase: StaticString)
    func end(_ phase: StaticString)
}
