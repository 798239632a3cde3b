import ArgumentParser
import DiffusionKit

/// The exit status of a failed command, one rule for every command:
///
/// | status | meaning |
/// |--------|---------|
/// | 0      | success |
/// | 1      | a failure while working: a file that cannot be read or written, a field that blew up, too little memory, results that could not be written |
/// | 64     | a usage mistake (EX_USAGE, as ArgumentParser uses): an option missing, malformed or out of range, or values that contradict each other; nothing was done |
/// | 128+N  | stopped by signal N: 130 for SIGINT, 143 for SIGTERM |
///
/// The same mistake gets the same status whether ArgumentParser or the
/// command itself finds it (`--size 2` and `--iterations -1` are both 64).
enum ExitStatus {
    static let usage: Int32 = 64
    static let failure: Int32 = 1

    /// The status for `error`, or nil to let ArgumentParser decide (help, version, its own parse errors).
    static func code(for error: any Error) -> ExitCode? {
        switch error {
        case let problem as DiffusionError: ExitCode(isUsage(problem) ? usage : failure)
        case is UsageFailure: ExitCode(usage)
        case is CommandFailure, is RuntimeFailure: ExitCode(failure)
        default: nil
        }
    }

    /// True for the errors that are mistakes in what was asked, found before any work.
    static func isUsage(_ error: DiffusionError) -> Bool {
        switch error {
        case .invalidSize, .gridTooSmall, .invalidParameter, .unstable, .invalidPrecision, .unknownBoundary,
             .invalidFixedValue, .unknownInitialCondition, .invalidWidth, .shapeMismatch, .unknownSchedule, .unsupported:
            true
        case .gridTooLarge, .npy, .io, .nonFinite, .outOfMemory, .checkpoint, .nonFiniteInput:
            false
        }
    }
}

/// A usage mistake the commands find themselves (status 64), already phrased for users.
struct UsageFailure: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// A failure while working (status 1), already phrased for users.
struct RuntimeFailure: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
