// PeerRunner.swift: finds Python and a C compiler, builds the C peer once,
// runs peers as child processes and turns what they print into outcomes.

import DiffusionKit
import Foundation

/// Runs ``Peer``s on a ``PeerWorkload``.
///
/// One runner per bench: it compiles `c/diffusion.c` at most twice (plain and
/// OpenMP) into a temporary folder that it removes when it is released, and it
/// asks Python once per module whether the module imports. A peer that cannot
/// run here is `.skipped` with the reason; one that runs and goes wrong is
/// `.failed`; nothing a peer does makes the runner throw or crash.
///
/// Safe to share between threads and tasks; runs may overlap, though for
/// timings they should not. Each probe and each compile runs once per runner,
/// however many runs ask for it at the same time.
///
/// The API comes twice: `async` for Swift concurrency (tests, async code),
/// and synchronous for the bench's thread. The synchronous forms block the
/// calling thread while swift-subprocess works on Swift's shared concurrency
/// pool, so they must not be called from that pool (from async code): when
/// every pool thread is blocked so, nothing is left to run the child's I/O.
public final class PeerRunner: @unchecked Sendable {
    public struct Configuration: Sendable {
        /// The Python to run the Python peers with: a path, or a name looked up
        /// on PATH. nil: `$DIFFUSE_PYTHON`, else `python3`.
        public var python: String?
        /// The C compiler, possibly with arguments ("gcc-14", "clang -m64").
        /// nil: `$CC`, else `cc`.
        public var cCompiler: String?
        /// The folder holding `python/` and `c/`. nil: the bundled resources.
        public var peersDirectory: URL?
        /// Seconds one peer may take, warm-up and all runs. nil: a generous
        /// limit from the workload's size and budget (see ``PeerRunner/timeLimit(for:)``).
        public var timeout: Double?
        /// The environment the peers (and the compiler) run in.
        public var environment: [String: String]

        public init(
            python: String? = nil,
            cCompiler: String? = nil,
            peersDirectory: URL? = nil,
            timeout: Double? = nil,
            environment: [String: String] = ProcessInfo.processInfo.environment
        ) {
            self.python = python
            self.cCompiler = cCompiler
            self.peersDirectory = peersDirectory
            self.timeout = timeout
            self.environment = environment
        }
    }

    public let configuration: Configuration

    /// Exit status with which a peer says that it cannot run here.
    static let skippedStatus: Int32 = 3
    /// The flags of the C peer, and the extra one of its OpenMP build.
    static let cFlags = ["-O3", "-march=native"]

    private let lock = NSLock()
    private var scratchDirectory: URL?
    /// Owns `scratchDirectory`: registered for removal on a signal, removed on release.
    private var ownedScratch: ScratchFolder?
    private var pythonResult: Result<URL, Unavailable>?
    /// Module probes and C builds, started once and awaited by every run
    /// that needs them (so concurrent runs share one).
    private var modules: [String: Task<Result<String, Unavailable>, Never>] = [:]
    private var cBuilds: [Bool: Task<Result<URL, Unavailable>, Never>] = [:]

    /// A reason why something cannot run here.
    private struct Unavailable: Error {
        var reason: String
    }

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    deinit {
        if let scratchDirectory {
            try? FileManager.default.removeItem(at: scratchDirectory)
        }
    }

    // MARK: Running

    /// Runs `peer` on `workload` under the common timing protocol.
    ///
    /// The peer writes its final field to `workload.outputDirectory/<name>.npy`
    /// (a stale file there is removed first); ``PeerMeasurement/output`` is
    /// that file, checked to hold the workload's precision and shape.
    public func run(_ peer: Peer, workload: PeerWorkload) async -> PeerOutcome {
        if let problem = workload.problem {
            return .failed(reason: "invalid workload: \(problem)", stderr: nil)
        }
        let command: (executable: URL, arguments: [String])
        switch await prepare(peer) {
        case .failure(let unavailable): return .skipped(reason: unavailable.reason)
        case .success(let prepared): command = prepared
        }
        if let mismatch = Self.npyMismatch(workload.initialField, workload) {
            return .failed(reason: "initial field: \(mismatch)", stderr: nil)
        }
        let output = workload.outputDirectory.appendingPathComponent("\(peer.name).npy")
        do {
            try FileManager.default.createDirectory(at: workload.outputDirectory, withIntermediateDirectories: true)
            if FileManager.default.fileExists(atPath: output.path) {
                try FileManager.default.removeItem(at: output)
            }
        } catch {
            return .failed(reason: "cannot prepare \(output.path): \(error.localizedDescription)", stderr: nil)
        }

        var arguments = command.arguments + [
            "--input", workload.initialField.path,
            "--output", output.path,
            "--iterations", String(workload.iterations),
            "--diffusivity", String(workload.diffusivity),
            "--dt", String(workload.dt),
            "--dx", String(workload.dx),
            "--boundary", workload.boundary.description,
            "--budget", String(workload.budget),
            "--min-runs", String(workload.minRuns),
        ]
        if let threads = workload.threads {
            arguments += ["--threads", String(threads)]
        }

        let limit = configuration.timeout ?? Self.timeLimit(for: workload)
        let result: ChildProcessResult
        do {
            result = try await ChildProcess.run(command.executable, arguments, environment: childEnvironment, timeout: limit)
        } catch {
            return .failed(reason: "cannot start \(command.executable.path): \(error.localizedDescription)", stderr: nil)
        }
        return outcome(of: result, peer: peer, workload: workload, output: output)
    }

    /// Why `peer` would be skipped here, or nil if it can run. Finds Python and
    /// probes its modules, or compiles the C peer, once per runner.
    public func skipReason(for peer: Peer) async -> String? {
        if case .failure(let unavailable) = await prepare(peer) { return unavailable.reason }
        return nil
    }

    /// ``run(_:workload:)`` for synchronous callers; blocks the calling
    /// thread, which must not be one of Swift concurrency's (see the type's
    /// documentation).
    public func run(_ peer: Peer, workload: PeerWorkload) -> PeerOutcome {
        Self.waitFor { await self.run(peer, workload: workload) }
    }

    /// ``skipReason(for:)`` for synchronous callers; blocks the calling
    /// thread, which must not be one of Swift concurrency's.
    public func skipReason(for peer: Peer) -> String? {
        Self.waitFor { await self.skipReason(for: peer) }
    }

    /// Runs `body` on Swift concurrency's pool and blocks until it is done.
    private static func waitFor<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let box = WaitBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            box.value = await body()
            done.signal()
        }
        done.wait()
        return box.value!
    }

    /// The default time limit for one peer on `workload`: the warm-up, the
    /// minimum runs and one more, each at a pessimistic 20 million cell updates
    /// per second (naive NumPy on a slow machine), plus the budget and a minute.
    public static func timeLimit(for workload: PeerWorkload) -> Double {
        let updates = Double(workload.rows) * Double(workload.cols) * Double(max(workload.iterations, 1))
        let perRun = updates / 20e6
        return max(120, 60 + workload.budget + perRun * Double(workload.minRuns + 2))
    }

    /// A value handed from a task to the thread that waits for it.
    private final class WaitBox<T: Sendable>: @unchecked Sendable {
        // @unchecked: written before the waiter is signalled, read after.
        var value: T?
    }

    // MARK: Outcomes

    private func outcome(
        of result: ChildProcessResult, peer: Peer, workload: PeerWorkload, output: URL
    ) -> PeerOutcome {
        let stderr = result.stderrLastLine
        switch result.termination {
        case .timedOut(let seconds):
            return .failed(reason: "timed out after \(Int(seconds.rounded())) s", stderr: stderr)
        case .signalled(let signal):
            return .failed(reason: "killed by signal \(signal)", stderr: stderr)
        case .exited(Self.skippedStatus) where peer.language == .python:
            var reason = stderr ?? "the peer cannot run here"
            if reason.hasPrefix("skipped: ") { reason.removeFirst("skipped: ".count) }
            return .skipped(reason: reason)
        case .exited(let status) where status != 0:
            return .failed(reason: "exited with status \(status)", stderr: stderr)
        case .exited:
            break
        }

        guard let line = result.stdout.split(whereSeparator: \.isNewline).last(where: { $0.hasPrefix("{") }),
              let report = try? JSONDecoder().decode(Report.self, from: Data(line.utf8))
        else {
            return .failed(reason: "printed no JSON report", stderr: stderr)
        }
        guard report.runs >= 1, report.times.count == report.runs,
              report.times.allSatisfy({ $0.isFinite && $0 >= 0 }), report.threads >= 1
        else {
            return .failed(reason: "reported inconsistent times (runs \(report.runs), \(report.times.count) times)", stderr: stderr)
        }
        if let mismatch = Self.npyMismatch(output, workload) {
            return .failed(reason: "final field: \(mismatch)", stderr: stderr)
        }
        return .ran(PeerMeasurement(
            peer: report.peer, times: report.times, best: report.best, median: report.median,
            runs: report.runs, threads: report.threads, version: report.version, output: output))
    }

    /// The JSON object every peer prints.
    private struct Report: Decodable {
        var peer: String
        var times: [Double]
        var best: Double
        var median: Double
        var runs: Int
        var threads: Int
        var version: String

        enum CodingKeys: String, CodingKey {
            case peer, runs, threads, version
            case times = "times_s"
            case best = "best_s"
            case median = "median_s"
        }
    }

    // MARK: Preparing (each probe and compile once per runner)

    private func prepare(_ peer: Peer) async -> Result<(executable: URL, arguments: [String]), Unavailable> {
        do throws(Unavailable) {
            switch peer.implementation {
            case .python(let requires):
                let python = try lock.withLock { Result { () throws(Unavailable) -> URL in try locatePython() } }.get()
                for module in requires {
                    try await checkModule(module, python: python)
                }
                let driver = try peersFolder().appendingPathComponent("python/peer.py")
                return .success((python, [driver.path, "--peer", peer.name]))
            case .c(let openMP):
                return .success((try await buildC(openMP: openMP), []))
            }
        } catch {
            return .failure(error)
        }
    }

    private func peersFolder() throws(Unavailable) -> URL {
        if let folder = configuration.peersDirectory { return folder }
        if let folder = Self.bundledPeers { return folder }
        throw Unavailable(reason: "the peers' sources are not in the Workbench resource bundle")
    }

    /// The `Peers` folder of the resource bundle.
    static let bundledPeers: URL? = {
        let bundle = Bundle.module
        let candidates = [
            bundle.url(forResource: "Peers", withExtension: nil),
            bundle.resourceURL?.appendingPathComponent("Peers"),
            bundle.bundleURL.appendingPathComponent("Peers"),
        ]
        return candidates.compactMap { $0 }.first {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent("python/peer.py").path)
        }
    }()

    private func lockedScratchFolder() throws -> URL {
        if let scratchDirectory { return scratchDirectory }
        let folder = try ScratchFolder(prefix: "diffuse-peers-")
        ownedScratch = folder
        scratchDirectory = folder.url
        return folder.url
    }

    private var childEnvironment: [String: String] {
        var environment = configuration.environment
        // The sources may sit in a read-only bundle: no __pycache__ beside them.
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        return environment
    }

    // MARK: Python

    private func locatePython() throws(Unavailable) -> URL {
        if let pythonResult { return try pythonResult.get() }
        let result: Result<URL, Unavailable>
        let environment = configuration.environment
        if let name = configuration.python ?? environment["DIFFUSE_PYTHON"].flatMap({ $0.isEmpty ? nil : $0 }) {
            result = ChildProcess.locate(name, environment: environment).map { .success($0) }
                ?? .failure(Unavailable(reason: "Python \(name) is not an executable (set DIFFUSE_PYTHON)"))
        } else {
            result = ChildProcess.locate("python3", environment: environment).map { .success($0) }
                ?? .failure(Unavailable(reason: "python3 is not on PATH (install Python 3, or set DIFFUSE_PYTHON)"))
        }
        pythonResult = result
        return try result.get()
    }

    /// Throws the reason `module` does not import (cached per runner).
    private func checkModule(_ module: String, python: URL) async throws(Unavailable) {
        let probing = lock.withLock {
            if let started = modules[module] { return started }
            let started = Task { await probe(module, python: python) }
            modules[module] = started
            return started
        }
        _ = try await probing.value.get()
    }

    private func probe(_ module: String, python: URL) async -> Result<String, Unavailable> {
        let driver: URL
        do throws(Unavailable) {
            driver = try peersFolder().appendingPathComponent("python/peer.py")
        } catch {
            return .failure(error)
        }
        let run: ChildProcessResult
        do {
            run = try await ChildProcess.run(python, [driver.path, "--probe", module], environment: childEnvironment, timeout: 120)
        } catch {
            return .failure(Unavailable(reason: "\(python.path) does not start: \(error.localizedDescription)"))
        }
        struct Probe: Decodable {
            struct Module: Decodable {
                var version: String?
                var error: String?
                var missing: Bool?
            }
            var python: String
            var modules: [String: Module]
        }
        guard run.termination == .exited(0),
              let line = run.stdout.split(whereSeparator: \.isNewline).last(where: { $0.hasPrefix("{") }),
              let probe = try? JSONDecoder().decode(Probe.self, from: Data(line.utf8)),
              let status = probe.modules[module]
        else {
            let why = run.stderrLastLine.map { ": \($0)" } ?? ""
            return .failure(Unavailable(reason: "\(python.path) cannot run peer.py\(why)"))
        }
        if let version = status.version { return .success(version) }
        if status.missing == true {
            return .failure(Unavailable(reason: "\(module) is not installed (pip install \(module))"))
        }
        return .failure(Unavailable(reason: "\(module) cannot be imported: \(status.error ?? "unknown error")"))
    }

    // MARK: C

    /// The compiled C peer (plain or OpenMP), built on first use.
    private func buildC(openMP: Bool) async throws(Unavailable) -> URL {
        if openMP {
            // The plain build first: if it fails, the reason is not OpenMP.
            _ = try await buildC(openMP: false)
        }
        let building = lock.withLock {
            if let started = cBuilds[openMP] { return started }
            let started = Task { await compileC(openMP: openMP) }
            cBuilds[openMP] = started
            return started
        }
        return try await building.value.get()
    }

    private func compileC(openMP: Bool) async -> Result<URL, Unavailable> {
        let environment = configuration.environment
        let words = (configuration.cCompiler ?? environment["CC"].flatMap { $0.isEmpty ? nil : $0 } ?? "cc")
            .split(whereSeparator: \.isWhitespace).map(String.init)
        guard let name = words.first else {
            return .failure(Unavailable(reason: "no C compiler (set CC)"))
        }
        guard let compiler = ChildProcess.locate(name, environment: environment) else {
            return .failure(Unavailable(reason: "no C compiler: \(name) is not on PATH (install gcc or clang, or set CC)"))
        }
        let source: URL
        let scratch: URL
        do {
            source = try peersFolder().appendingPathComponent("c/diffusion.c")
            scratch = try lock.withLock { try lockedScratchFolder() }
        } catch let unavailable as Unavailable {
            return .failure(unavailable)
        } catch {
            return .failure(Unavailable(reason: "\(error)"))
        }
        let executable = scratch.appendingPathComponent(openMP ? "diffusion-c-openmp" : "diffusion-c")
        let extra = openMP ? ["-fopenmp"] : []

        // -march=native first; a compiler that refuses it gets portable flags.
        var lastError: String?
        for flags in [Self.cFlags + extra, Self.cFlags.filter { $0 != "-march=native" } + extra] {
            let description = "-DDIFFUSE_CFLAGS=\"\(flags.joined(separator: " "))\""
            let arguments = Array(words.dropFirst()) + flags + [description, "-o", executable.path, source.path, "-lm"]
            guard let run = try? await ChildProcess.run(compiler, arguments, environment: environment, timeout: 180)
            else {
                return .failure(Unavailable(reason: "the C compiler \(compiler.path) does not start"))
            }
            if run.termination == .exited(0) { return .success(executable) }
            lastError = run.stderrLastLine
        }
        let why = lastError.map { ": \($0)" } ?? ""
        if openMP {
            return .failure(Unavailable(reason: "\(name) cannot build with -fopenmp\(why)"))
        }
        return .failure(Unavailable(reason: "\(name) cannot compile diffusion.c\(why)"))
    }

    // MARK: .npy headers

    /// Why the .npy file at `url` does not hold a C-order `workload.rows` ×
    /// `workload.cols` field of `workload.precision`, or nil if it does.
    static func npyMismatch(_ url: URL, _ workload: PeerWorkload) -> String? {
        let header: NPYHeader
        do {
            header = try NPYFile.readHeader(path: url.path)
        } catch {
            return error.description
        }
        let descriptor = workload.precision.numpyDescriptor
        guard header.descriptor == descriptor else {
            return "\(url.path) is not \(descriptor) (\(workload.precision.rawValue)) but '\(header.descriptor)'"
        }
        guard !header.fortranOrder else {
            return "\(url.path) is in Fortran order"
        }
        guard header.rows == workload.rows, header.cols == workload.cols else {
            return "\(url.path) is not \(workload.rows) × \(workload.cols) but \(header.rows) × \(header.cols)"
        }
        return nil
    }
}
