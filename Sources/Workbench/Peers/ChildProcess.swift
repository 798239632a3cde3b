// ChildProcess.swift: run a program to completion, with a time limit, on
// swift-subprocess.

import DiffusionKit
import Foundation
import Subprocess
#if canImport(System)
import System  // swift-subprocess uses the SDK's FilePath on Apple platforms
#else
import SystemPackage
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The end of a child process.
struct ChildProcessResult: Sendable {
    enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
        case timedOut(seconds: Double)
    }

    var termination: Termination
    var stdout: String
    var stderr: String

    /// The last non-empty line of stderr, trimmed; nil if there is none.
    var stderrLastLine: String? {
        stderr.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .last { !$0.isEmpty }
    }
}

/// Runs programs for the peers: compilers, Python, the C peer.
///
/// swift-subprocess starts the child and reads its stdout and stderr at the
/// same time (so a chatty child never blocks on a full pipe). The child is
/// the leader of a process group of its own, so that whatever it starts (a
/// compiler's passes, a Python peer's helpers) can be ended together:
///
/// - past the time limit the group gets SIGTERM, then SIGKILL five seconds later;
/// - after the child exits, anything it left running in its group is killed.
///
/// Being in its own group, the child does not receive the terminal's Ctrl-C;
/// a `diffuse` interrupted by one leaves a running peer to finish its budget
/// and die on its next write to the closed pipe.
enum ChildProcess {
    /// Largest stdout or stderr kept, bytes; a child that says more fails
    /// with swift-subprocess's `outputLimitExceeded`.
    static let outputLimit = 64 << 20

    /// Seconds between SIGTERM and SIGKILL when the time limit is reached.
    static let gracePeriod = 5.0

    /// Runs `executable` with `arguments` in `environment` (exactly that
    /// environment, nothing inherited) and waits at most `timeout` seconds
    /// (then ``gracePeriod`` more for it to go after SIGTERM).
    /// - Throws: swift-subprocess's `SubprocessError` when the child cannot be
    ///   started or says more than ``outputLimit``.
    static func run(
        _ executable: URL,
        _ arguments: [String],
        environment: [String: String],
        timeout: Double
    ) async throws -> ChildProcessResult {
        enum Event: Sendable {
            case finished(ChildProcessResult)
            case timeLimit
            case graceOver
            case cancelled
        }
        @Sendable func after(_ seconds: Double, _ event: Event) async -> Event {
            do {
                try await Task.sleep(for: .seconds(max(0, seconds)))
                return event
            } catch {
                return .cancelled
            }
        }

        let group = ProcessGroup()
        defer { group.signal(SIGKILL) }  // the leader is gone: end what it left behind
        return try await withThrowingTaskGroup(of: Event.self) { tasks in
            tasks.addTask { .finished(try await collect(executable, arguments, environment, group)) }
            tasks.addTask { await after(timeout, .timeLimit) }
            var timedOut = false
            while let event = try await tasks.next() {
                switch event {
                case .finished(var result):
                    tasks.cancelAll()
                    if timedOut { result.termination = .timedOut(seconds: timeout) }
                    return result
                case .timeLimit:
                    timedOut = true
                    group.signal(SIGTERM)
                    tasks.addTask { await after(gracePeriod, .graceOver) }
                case .graceOver:
                    group.signal(SIGKILL)
                case .cancelled:
                    continue
                }
            }
            preconditionFailure("the child's task ended without a result")
        }
    }

    /// Starts the child in a new process group, records the group, and
    /// collects both streams until the child exits (swift-subprocess stops
    /// reading then, even where something the child started still holds the
    /// pipes: ``run(_:_:environment:timeout:)`` ends that).
    private static func collect(
        _ executable: URL, _ arguments: [String], _ environment: [String: String], _ group: ProcessGroup
    ) async throws -> ChildProcessResult {
        var options = PlatformOptions()
        options.processGroupID = 0  // setpgid(0, 0): a group led by the child
        // Should the task be cancelled, swift-subprocess ends the whole group.
        options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: .seconds(5))]
        let variables = Dictionary(
            environment.map { (Environment.Key(stringLiteral: $0.key), $0.value) },
            uniquingKeysWith: { first, _ in first })

        let run = try await Subprocess.run(
            .path(FilePath(executable.path)),
            arguments: Arguments(arguments),
            environment: .custom(variables),
            platformOptions: options,
            input: .none,
            output: .string(limit: outputLimit),
            error: .string(limit: outputLimit)
        ) { execution in
            group.started(execution.processIdentifier.value)
        }
        group.finished()
        let termination: ChildProcessResult.Termination
        switch run.terminationStatus {
        case .exited(let code): termination = .exited(Int32(code))
        case .signaled(let signal): termination = .signalled(Int32(signal))
        }
        return ChildProcessResult(
            termination: termination, stdout: run.standardOutput, stderr: run.standardError)
    }

    /// The executable that `name` names: itself if it contains a "/", else the
    /// first match on `PATH` (from `environment`).
    static func locate(_ name: String, environment: [String: String]) -> URL? {
        let fileManager = FileManager.default
        if name.contains("/") {
            return fileManager.isExecutableFile(atPath: name) ? URL(fileURLWithPath: name) : nil
        }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            if fileManager.fileExists(atPath: candidate.path, isDirectory: &isDirectory),
               !isDirectory.boolValue, fileManager.isExecutableFile(atPath: candidate.path) {
                return candidate
            }
        }
        return nil
    }

    /// The child's process group (its pid, as it leads it), once known.
    ///
    /// A signal asked for before the child has started is sent as soon as it
    /// starts. Signalling a group whose members have all exited is harmless
    /// (ESRCH): the kernel does not hand out a pid that still names a group.
    private final class ProcessGroup: @unchecked Sendable {
        // @unchecked: every access holds `lock`.
        private let lock = NSLock()
        private var leader: pid_t?
        private var pending: Int32?

        func started(_ pid: pid_t) {
            // Stopped, with its group, by diffuse's signal handling if
            // diffuse is interrupted (`CleanupRegistry`).
            CleanupRegistry.register(child: pid)
            lock.withLock {
                leader = pid
                if let pending { _ = kill(-pid, pending) }
            }
        }

        /// The child has exited: signal handling need not stop it any more.
        func finished() {
            lock.withLock { if let leader { CleanupRegistry.unregister(child: leader) } }
        }

        func signal(_ signal: Int32) {
            lock.withLock {
                if let leader { _ = kill(-leader, signal) } else { pending = signal }
            }
        }
    }
}
