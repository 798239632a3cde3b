import DiffusionKit

/// How long `diffuse run` runs: `--iterations N` steps (500 by default) or
/// `--time T`, a simulated time of T/dt steps; and, for `--variant auto`,
/// which schedule takes those steps and why.
enum RunLength {
    /// The default of `--iterations`.
    static let defaultIterations = 500

    /// The number of steps `--iterations` and `--time` ask for.
    ///
    /// - Throws: `CommandFailure` when both are given, or when T is not a
    ///   whole number of steps of `dt` (naming the two nearest valid times).
    static func steps(iterations: Int?, time: Double?, dt: Double) throws -> Int {
        guard let time else { return iterations ?? defaultIterations }
        if let iterations {
            throw CommandFailure("give either --iterations \(iterations) or --time \(plainNumber(time)), not both: --time T runs T/dt steps")
        }
        do {
            return try SimulatedTime.steps(time: time, dt: dt)
        } catch {
            throw CommandFailure(error.description)
        }
    }

    /// The schedule that steps a run of `steps` steps in segments of at most
    /// `segment` steps (the snapshots of --every), with the reason `auto`
    /// gives for it (nil for a named variant).
    static func stepper(
        _ schedule: any Schedule, problem: Problem, steps: Int, segment: Int?, context: ExecutionContext
    ) -> (any Schedule, reason: String?) {
        guard let auto = schedule as? AutoSchedule else { return (schedule, nil) }
        let length = min(steps, segment ?? steps)
        return (auto.choice(for: problem, steps: length, context: context), auto.reason(for: problem, steps: length, context: context))
    }

    private static func plainNumber(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
