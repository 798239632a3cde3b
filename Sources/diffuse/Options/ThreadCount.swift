import ArgumentParser
import Hardware

/// The `--threads` limit every command shares.
///
/// 0 means every core. Above `maximum` a request is refused with a one-line
/// error rather than started: a million threads fail to start (the
/// bandwidth meter's precondition), and thousands make every step pay for
/// thousands of thread wake-ups (`roofline --threads 10000` ran for minutes,
/// `--threads 1024` still over five on two cores). The limit is 4 threads
/// per core, and at least 64, which leaves room for oversubscription
/// experiments.
enum ThreadCount {
    static let maximum = max(64, 4 * MachineDescription.host.cores)

    /// Throws a `ValidationError` unless `threads` is in 0…`maximum`.
    static func validate(_ threads: Int, option: String = "--threads") throws {
        guard threads >= 0, threads <= maximum else {
            throw ValidationError("\(option) must be 0 (all cores) to \(maximum), got \(threads)")
        }
    }
}
