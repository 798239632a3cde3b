import DiffusionKit

/// One workload, ready to be measured: a problem, a number of steps, the
/// initial field, and the correctness gate for them.
///
/// Every measuring command opens the same way, and this type is that
/// opening: the problem is validated (unstable time steps allowed: the gate
/// judges them), the schedule to measure, when known, is asked whether it
/// supports the problem, the memory for `gridsInMemory` grids is checked, and
/// the initial field is built once. Each run then starts from `freshGrid()`.
///
/// The reference field is computed on first use of `gate` — the reference
/// solver costs some 9 ns per cell update, so `profile`, which verifies
/// nothing, never pays for it — and kept: however often the gate is asked
/// for, the reference solver runs once per workload.
public struct Workload<Scalar: DiffusionScalar> {
    /// The model, with its size, boundary, initial condition and precision.
    public let problem: Problem
    /// Steps behind the gate's reference field.
    public let steps: Int
    /// The field at step 0 (never stepped: copy it with `freshGrid()`).
    public let initial: Grid<Scalar>
    /// Computes the reference field: `ReferenceSchedule` unless a test
    /// substitutes one.
    private let referenceSolver: any Schedule
    private let computed = ComputedReference<Scalar>()

    /// Grids of the problem's size a gated measurement holds at once: the
    /// initial field, the reference, the schedule's grid and up to two of
    /// its scratch grids.
    public static var measuredGrids: Int { 5 }

    /// Builds the workload of `problem` over `steps` steps.
    ///
    /// - Parameters:
    ///   - schedule: the schedule to be measured, when there is one: a
    ///     problem it does not support is refused before any memory is used.
    ///   - gridsInMemory: grids of the problem's size held at once (the
    ///     memory check); by default `measuredGrids`, or the initial field
    ///     and the reference plus the schedule's declared peak
    ///     (`Schedule.peakGrids(for:)`) when that is more.
    /// - Throws: `DiffusionError` for an invalid problem, one `schedule` does
    ///   not support (`.unsupported`), one too large for memory, or an
    ///   initial file that cannot be read.
    public init(
        problem: Problem, steps: Int, for schedule: (any Schedule)? = nil, gridsInMemory: Int? = nil,
        referenceSolver: any Schedule = ReferenceSchedule()
    ) throws(DiffusionError) {
        let declared = schedule.map { 2 + $0.peakGrids(for: problem) } ?? 0
        try problem.requireMeasurable(by: schedule, gridsInMemory: gridsInMemory ?? max(Self.measuredGrids, declared))
        self.problem = problem
        self.steps = steps
        self.referenceSolver = referenceSolver
        initial = try problem.makeInitialGrid(Scalar.self)
    }

    /// A grid with its own buffer holding the initial field, so that a
    /// schedule's first write does not pay for a copy-on-write inside a
    /// timed run.
    public func freshGrid() -> Grid<Scalar> {
        var copy = Grid<Scalar>(rows: initial.rows, cols: initial.cols)
        copy.assign(from: initial)
        return copy
    }

    /// Why `schedule` cannot run this workload, or nil.
    public func limitation(of schedule: any Schedule) -> String? {
        schedule.limitation(for: problem)
    }

    /// The reference field after `steps` steps and the tolerance around it;
    /// the reference solver runs on the first call only.
    public var gate: Gate<Scalar> {
        get throws(DiffusionError) {
            if let gate = computed.gate { return gate }
            var reference = freshGrid()
            let start = ContinuousClock.now
            try referenceSolver.run(&reference, steps: steps, problem: problem)
            computed.seconds = (ContinuousClock.now - start).inSeconds
            let gate = Gate(reference: reference, problem: problem, initial: initial, steps: steps)
            computed.gate = gate
            return gate
        }
    }

    /// Seconds the reference solver took; nil before `gate` was first used.
    public var referenceSeconds: Double? { computed.seconds }
}

/// The reference field once computed, shared by the copies of a `Workload`.
private final class ComputedReference<Scalar: DiffusionScalar> {
    var gate: Gate<Scalar>?
    var seconds: Double?
}

extension Problem {
    /// The checks before a measurement: the problem is valid (unstable time
    /// steps allowed), `schedule`, if given, supports it, and
    /// `gridsInMemory` grids of its size fit in memory.
    ///
    /// - Throws: `DiffusionError`: the validation's, `.unsupported` with the
    ///   schedule's reason, or `.gridTooLarge`.
    func requireMeasurable(by schedule: (any Schedule)?, gridsInMemory: Int) throws(DiffusionError) {
        try validate(allowUnstable: true)
        if let schedule, let reason = schedule.limitation(for: self) {
            throw .unsupported(schedule: schedule.descriptor.name, reason: reason)
        }
        try checkMemory(grids: gridsInMemory)
    }
}
