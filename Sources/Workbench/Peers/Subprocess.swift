// Subprocess.swift: run a program to completion, with a time limit.

import DiffusionKit
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The end of a child process.
struct SubprocessResult: Sendable {
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

enum Subprocess {
    /// Runs `executable` with `arguments` and waits at most `timeout` seconds.
    ///
    /// stdout and stderr go to files in `scratch` rather than pipes, so a
    /// chatty child can never block on a full pipe while we wait for it. On
    /// timeout the child gets SIGTERM, then SIGKILL five seconds later.
    static func run(
        _ executable: URL,
        _ arguments: [String],
        environment: [String: String],
        timeout: Double,
        scratch: URL
    ) throws -> SubprocessResult {
        let id = UUID().uuidString
        let outURL = scratch.appendingPathComponent("\(id).out")
        let errURL = scratch.appendingPathComponent("\(id).err")
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        guard FileManager.default.createFile(atPath: outURL.path, contents: nil),
              FileManager.default.createFile(atPath: errURL.path, contents: nil)
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: scratch.path]) }
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }

        do {
            try process.run()
        } catch {
            try? out.close()
            try? err.close()
            throw error
        }
        // Stopped by diffuse's signal handling if diffuse is interrupted.
        CleanupRegistry.register(child: process.processIdentifier)
        defer { CleanupRegistry.unregister(child: process.processIdentifier) }
        var timedOut = false
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            process.terminate()
            if finished.wait(timeout: .now() + 5) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                finished.wait()
            }
        }
        try? out.close()
        try? err.close()

        let termination: SubprocessResult.Termination
        if timedOut {
            termination = .timedOut(seconds: timeout)
        } else if process.terminationReason == .uncaughtSignal {
            termination = .signalled(process.terminationStatus)
        } else {
            termination = .exited(process.terminationStatus)
        }
        return SubprocessResult(
            termination: termination,
            stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        )
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
}
