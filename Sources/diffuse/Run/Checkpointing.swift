import DiffusionKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How often `--checkpoint-every` saves: every K steps, or every so much wall time.
enum CheckpointInterval: Equatable {
    case steps(Int)
    case seconds(Double)

    /// Parses `K` (steps, ≥ 1) or a duration `30s`, `10m`, `2h` (positive).
    init(parsing text: String) throws {
        let units: [(Character, Double)] = [("s", 1), ("m", 60), ("h", 3600)]
        if let last = text.last, let unit = units.first(where: { $0.0 == last }) {
            guard let value = Double(text.dropLast()), value.isFinite, value > 0 else {
                throw CheckpointIntervalError(text: text)
            }
            self = .seconds(value * unit.1)
        } else {
            guard let steps = Int(text), steps >= 1 else { throw CheckpointIntervalError(text: text) }
            self = .steps(steps)
        }
    }
}

struct CheckpointIntervalError: Error, CustomStringConvertible {
    let text: String
    var description: String {
        "--checkpoint-every \(text): expected a number of steps (e.g. 1000) or a wall time (e.g. 30s, 10m, 2h)"
    }
}

/// The checkpoints of one `diffuse run`: when they are due, and writing them.
///
/// Step intervals are met exactly (the stepping stops at each multiple of
/// K); wall-time intervals are checked between chunks (`Simulation` aims
/// chunks at 0.1 s), so a checkpoint comes at most a chunk late.
final class Checkpointer {
    let path: String?
    let interval: CheckpointInterval?
    private var lastSaved = monotonicNow()

    init(path: String?, interval: CheckpointInterval?) {
        self.path = path
        self.interval = interval
    }

    /// The next step at which a step-interval checkpoint falls, after `step`.
    func nextStep(after step: Int) -> Int? {
        guard path != nil, case .steps(let k)? = interval else { return nil }
        return (step / k + 1) * k
    }

    /// True when a checkpoint is due at `step` (a multiple of K, or the wall time elapsed).
    func isDue(at step: Int) -> Bool {
        guard path != nil else { return false }
        switch interval {
        case .steps(let k)?: return step % k == 0
        case .seconds?: return timeIsDue
        case nil: return false
        }
    }

    /// True when a wall-time checkpoint is due (read between chunks).
    var timeIsDue: Bool {
        guard path != nil, case .seconds(let seconds)? = interval else { return false }
        return monotonicNow() - lastSaved >= seconds
    }

    /// Writes the checkpoint (when `--checkpoint` was given); returns its path.
    @discardableResult
    func save<Scalar: DiffusionScalar>(_ grid: Grid<Scalar>, info: CheckpointFile.Info) throws -> String? {
        guard let path else { return nil }
        try CheckpointFile.write(grid, info: info, to: path)
        lastSaved = monotonicNow()
        return path
    }
}

/// What `--resume FILE` continues from.
struct Resumption {
    let path: String
    let info: CheckpointFile.Info
    let field: CheckpointFile.Field

    /// Reads the checkpoint and checks that the model options given on the
    /// command line (those not left at their defaults) agree with it.
    init(path: String, model: ModelOptions) throws {
        (info, field) = try CheckpointFile.read(path: path)
        self.path = path
        if let conflict = model.conflict(with: info.problem) {
            throw UsageFailure("\(path) holds another problem: it was written for \(conflict.checkpoint), not \(conflict.given); leave out \(conflict.option) (--resume takes the problem from the checkpoint)")
        }
    }
}

extension ModelOptions {
    /// The first option given with a value other than its default that
    /// disagrees with `problem`, or nil.
    func conflict(with problem: Problem) -> (option: String, given: String, checkpoint: String)? {
        if let size {
            let parsed = try? Self.parseSize(size)
            if parsed == nil || parsed! != (problem.rows, problem.cols) {
                return ("--size", "--size \(size)", "\(problem.rows)×\(problem.cols)")
            }
        }
        let defaults = Problem()
        let checks: [(String, Double, Double, Double)] = [
            ("--diffusivity", diffusivity, defaults.diffusivity, problem.diffusivity),
            ("--dt", dt, defaults.dt, problem.dt),
            ("--dx", dx, defaults.dx, problem.dx),
        ]
        for (option, given, standard, saved) in checks where given != standard && given != saved {
            return (option, "\(option) \(given)", "\(option.dropFirst(2)) = \(saved)")
        }
        if boundary != "periodic", (try? Boundary(parsing: boundary)) != problem.boundary {
            return ("--boundary", "--boundary \(boundary)", "boundary \(problem.boundary)")
        }
        if initial != "block", initial != problem.initial.description {
            return ("--initial", "--initial \(initial)", "initial \(problem.initial)")
        }
        if precision != "double", (try? Precision(parsing: precision)) != problem.precision {
            return ("--precision", "--precision \(precision)", "precision \(problem.precision)")
        }
        return nil
    }
}

/// Seconds on the monotonic clock.
func monotonicNow() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
}

extension Resumption {
    /// The checkpoint's field as a `Grid<Scalar>` (the problem's precision is the checkpoint's).
    func grid<Scalar: DiffusionScalar>(_: Scalar.Type) throws -> Grid<Scalar> {
        switch field {
        case .double(let grid): return Scalar.self == Double.self ? unsafeBitCast(grid, to: Grid<Scalar>.self) : grid.converted(to: Scalar.self)
        case .float(let grid): return Scalar.self == Float.self ? unsafeBitCast(grid, to: Grid<Scalar>.self) : grid.converted(to: Scalar.self)
        }
    }
}

/// The end of a run that a signal stopped.
enum Interruption {
    /// Prints one line on standard error (what was saved, how to resume) and
    /// exits with 128 + the signal. `finished`: the steps were all taken and
    /// the outputs written before the signal was seen.
    static func stop(at step: Int, of end: Int, saving checkpoint: String?, finished: Bool = false) throws -> Never {
        let signal = SignalHandling.received
        CleanupRegistry.removeFilesNow()
        let what = finished ? "after the last step (\(step) of \(end)); every output was written" : "at step \(step) of \(end)"
        let saved = checkpoint.map { "; checkpoint saved to \($0): resume with: diffuse run --resume \($0)" }
            ?? (finished ? "" : "; nothing saved (add --checkpoint FILE.npz to be able to resume)")
        Terminal.standardError("diffuse: interrupted by \(SignalHandling.name(of: signal)) \(what)\(saved)\n")
        exit(SignalHandling.exitStatus(for: signal))
    }
}
