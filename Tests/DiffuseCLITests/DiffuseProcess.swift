import DiffuseTestSupport
import Foundation
import Subprocess
#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Runs the built `diffuse` executable, as a user would, and captures what it says.
struct DiffuseProcess {
    struct Result {
        let status: Int32
        let standardOutput: String
        let standardError: String
    }

    /// The `diffuse` executable SwiftPM built next to this test bundle.
    static let executable: URL = {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // On Linux the tests run from <products>/diffusePackageTests.xctest;
        // on macOS from inside <products>/diffusePackageTests.xctest/Contents/MacOS.
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("diffuse").path),
              folder.pathComponents.count > 1 {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("diffuse")
    }()

    /// The cache folder of every run, this test process's own.
    static let cacheHome = NSTemporaryDirectory() + "diffuse-cli-tests-cache-\(getpid())"

    /// `--machine FILE` of `TestMachines.zen4`, written once per test
    /// process: for the runs whose plans (threads, depth, tiles, auto's
    /// choice) a test's expectations depend on, so that they never depend
    /// on the host's CPU facts.
    static let machineArguments: [String] = {
        let path = cacheHome + "-machine.json"
        FileManager.default.createFile(atPath: path, contents: try? JSONEncoder().encode(TestMachines.zen4))
        return ["--machine", path]
    }()

    /// The most either stream may hold; far beyond what any test prints.
    static let outputLimit = 64 << 20

    /// Runs `diffuse arguments…` in `directory`, with `environment` added to
    /// this process's, and waits for it.
    ///
    /// swift-subprocess reads standard output and standard error at the same
    /// time, so a command that fills one pipe while we wait on the other
    /// cannot block. A command killed by a signal reports 128 + the signal,
    /// as a shell does.
    static func run(
        _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]
    ) async throws -> Result {
        // XDG_CACHE_HOME in a folder of its own, so that no test reads the
        // user's wisdom (`auto` would follow it) or writes any.
        var updates: [Environment.Key: String?] = ["XDG_CACHE_HOME": cacheHome]
        for (key, value) in environment { updates[Environment.Key(stringLiteral: key)] = value }
        let result = try await Subprocess.run(
            .path(FilePath(executable.path)),
            arguments: Arguments(arguments),
            environment: .inherit.updating(updates),
            workingDirectory: directory.map { FilePath($0) },
            input: .none,
            output: .string(limit: outputLimit),
            error: .string(limit: outputLimit))
        let status: Int32
        switch result.terminationStatus {
        case .exited(let code): status = Int32(code)
        case .signaled(let signal): status = 128 + Int32(signal)
        }
        return Result(status: status, standardOutput: result.standardOutput, standardError: result.standardError)
    }
}
