// PeerRunnerTests.swift: the peers run, agree with a hand-computed answer, and
// say why when they cannot run or go wrong.
//
// Small grids and a zero budget: each peer run is a warm-up and one or two
// timed runs of a few milliseconds. The C peer is compiled once, by the shared
// runner. Python peers need python3 with NumPy and SciPy (as CI installs them);
// numexpr and Numba may be missing, and then must be reported skipped.

import DiffuseTestSupport
import DiffusionKit
import Foundation
import Testing
import Workbench
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One runner for the whole suite, so the C peer is compiled once.
private let sharedRunner = PeerRunner()

@Suite("Peers")
struct PeerRunnerTests {
    // MARK: Catalog

    @Test func catalogListsEveryPeerOnce() {
        #expect(PeerCatalog.names == [
            "numpy-naive", "numpy-inplace", "numpy-roll-add", "numexpr", "scipy-laplace",
            "numba-parallel", "numpy-spectral", "devito", "c", "c-openmp",
        ])
        #expect(Set(PeerCatalog.names).count == PeerCatalog.all.count)
        #expect(PeerCatalog.peer(named: "numpy-roll-add")?.seedCounterpart == "numpy + memory2")
        #expect(PeerCatalog.peer(named: "c-openmp")?.implementation == .c(openMP: true))
        #expect(PeerCatalog.peer(named: "nope") == nil)
        for peer in PeerCatalog.all {
            #expect(!peer.lesson.isEmpty)
        }
    }

    // MARK: The C peer

    @Test(arguments: ["periodic", "reflecting", "fixed=0.25"])
    func cPeerMatchesHandComputedSteps(boundary: String) async throws {
        let folder = try TemporaryFolder(prefix: "diffuse-peer-tests")
        let grid = sampleField(rows: 7, cols: 5)
        let workload = try folder.workload(grid, boundary: boundary, iterations: 12, minRuns: 2)

        let outcome = await sharedRunner.run(try #require(PeerCatalog.peer(named: "c")), workload: workload)
        let measurement = try #require(outcome.measurement, "\(outcome)")

        #expect(measurement.peer == "c")
        #expect(measurement.runs >= 2)
        #expect(measurement.times.count == measurement.runs)
        #expect(measurement.best == measurement.times.min())
        #expect(measurement.threads == 1)
        #expect(measurement.version.contains("-O3"))
        #expect(measurement.output == workload.outputDirectory.appendingPathComponent("c.npy"))

        let result = try readField(measurement.output)
        #expect(result.descriptor == "<f8")
        #expect(result.field.rows == 7 && result.field.cols == 5)
        let expected = handStepped(grid, steps: 12, k: 0.9 * 0.05 / (0.5 * 0.5), boundary: boundary)
        #expect(maxDifference(result.field, expected) <= 1e-14)
    }

    @Test func cPeerComputesFloatFieldsInFloat() async throws {
        let folder = try TemporaryFolder(prefix: "diffuse-peer-tests")
        let grid = sampleField(rows: 6, cols: 9)
        let workload = try folder.workload(grid, boundary: "fixed=1.5", iterations: 10, precision: .float)

        let outcome = await sharedRunner.run(try #require(PeerCatalog.peer(named: "c")), workload: workload)
        let measurement = try #require(outcome.measurement, "\(outcome)")

        let result = try readField(measurement.output)
        #expect(result.descriptor == "<f4")
        let expected = handStepped(grid, steps: 10, k: 0.18, boundary: "fixed=1.5")
        #expect(maxDifference(result.field, expected) <= 1e-5)
    }

    @Test func openMPPeerRunsOrSaysWhy() async throws {
        let folder = try TemporaryFolder(prefix: "diffuse-peer-tests")
        let grid = sampleField(rows: 9, cols: 8)
        var workload = try folder.workload(grid, boundary: "periodic", iterations: 6)
        workload.threads = 2

        let outcome = await sharedRunner.run(try #require(PeerCatalog.peer(named: "c-openmp")), workload: workload)
        switch outcome {
        case .ran(let measurement):
            #expect(measurement.peer == "c-openmp")
            #expect(measurement.threads == 2)
            let expected = handStepped(grid, steps: 6, k: 0.18, boundary: "periodic")
            #expect(maxDifference(try readField(measurement.output).field, expected) <= 1e-14)
        case .skipped(let reason):
            #expect(reason.contains("-fopenmp"))
        case .failed:
            Issue.record("c-openmp failed: \(outcome)")
        }
    }

    // MARK: The Python peers

    @Test(arguments: ["numpy-naive", "numpy-inplace", "numpy-roll-add", "scipy-laplace"])
    func numpyPeerMatchesHandComputedSteps(name: String) async throws {
        let folder = try TemporaryFolder(prefix: "diffuse-peer-tests")
        let grid = sampleField(rows: 6, cols: 11)
        let workload = try folder.workload(grid, boundary: "reflecting", iterations: 9)

        let outcome = await sharedRunner.run(try #require(PeerCatalog.peer(named: name)), workload: workload)
        if case .skipped(let reason) = outcome {
            // Only where Python or NumPy/SciPy is missing (CI installs them).
            #expect(reason.contains("python3") || reason.contains("not installed"))
            return
        }
        let measurement = try #require(outcome.measurement, "\(outcome)")
        #expect(measurement.peer == name)
        #expect(measurement.version.contains("numpy"))
        let expected = handStepped(grid, steps: 9, k: 0.18, boundary: "reflecting")
        #expect(maxDifference(try readField(measurement.output).field, expected) <= 1e-14)
    }

    @Test(arguments: ["numexpr", "numba-parallel", "devito"])
    func optionalPeerRunsOrIsSkipped(name: String) async throws {
        let folder = try TemporaryFolder(prefix: "diffuse-peer-tests")
        let grid = sampleField(rows: 5, cols: 7)
        let workload = try folder.workload(grid, boundary: "fixed=0.5", iterations: 4, minRuns: 1)

        let outcome = await sharedRunner.run(try #require(PeerCatalog.peer(named: name)), workload: workload)
        switch outcome {
        case .ran(let measurement):
            let expected = handStepped(grid, steps: 4, k: 0.18, boundary: "fixed=0.5")
            #expect(maxDifference(try readField(measurement.output).field, expected) <= 1e-14)
        case .skipped(let reason):
            #expect(reason.contains("pip install") || reason.contains("cannot be imported")
                || reason.contains("python3"))
        case .failed:
            Issue.record("\(name) failed: \(outcome)")
        }
    }

    @Test("devito runs fixed=V only: periodic and reflecting are skipped with the reason",
          arguments: ["periodic", "reflecting"])
    func devitoSkipsOtherBoundaries(boundary: String) async throws {
        let folder = try TemporaryFolder(prefix: "diffuse-peer-tests")
        let workload = try folder.workload(sampleField(rows: 5, cols: 7), boundary: boundary, iterations: 2, minRuns: 1)
        let outcome = await sharedRunner.run(try #require(PeerCatalog.peer(named: "devito")), workload: workload)
        guard case .skipped(let reason) = outcome else {
            Issue.record("expected skipped, got \(outcome)")
            return
        }
        // Without Devito (or Python), the reason is that instead.
        #expect(reason.contains("devito runs only fixed=V") && reason.contains(boundary)
            || reason.contains("pip install") || reason.contains("python3") || reason.contains("cannot be imported"))
    }

    // MARK: Skipped, with the reason

    @Test func missingModuleIsSkippedWithTheReason() async throws {
        let folder = try TemporaryFolder(prefix: "diffuse-peer-tests")
        let workload = try folder.workload(sampleField(rows: 4, cols: 4), boundary: "periodic", iterations: 1)
        let peer = Peer(
            name: "numpy-naive", implementation: .python(requires: ["diffuse_no_such_module"]),
            seedCounterpart: nil, lesson: "test", isMultithreaded: false)

        let outcome = await sharedRunner.run(peer, workload: workload)
        guard case .skipped(let reason) = outcome else {
            Issue.record("expected skipped, got \(outcome)")
            return
        }
        if !reason.contains("python3") {  // python3 itself is there, as on CI
            #expect(reason == "diffuse_no_such_module is not installed (pip install diffuse_no_such_module)")
        }
        #expect(outcome.description.hasPrefix("skipped: "))
    }

    @Test func missingPythonIsSkippedWithTheReason() async throws {
        let folder = try TemporaryFolder(prefix: "diffuse-peer-tests")
        let workload = try folder.workload(sampleField(rows: 4, cols: 4), boundary: "periodic", iterations: 1)
        let runner = PeerRunner(configuration: .init(python: "/nonexistent/python3"))

        let outcome = await runner.run(try #require(PeerCatalog.peer(named: "numpy-naive")), workload: workload)
        guard case .skipped(let reason) = outcome else {
            Issue.record("expected skipped, got \(outcome)")
            return
        }
        #expect(reason.contains("DIFFUSE_PYTHON"))
        #expect(await runner.skipReason(for: try #require(PeerCatalog.peer(named: "scipy-laplace"))) == reason)
    }

    @Test func missingCompilerSkipsBothCPeers() async throws {
        let folder = try TemporaryFolder(prefix: "diffuse-peer-tests")
        let workload = try folder.workload(sampleField(rows: 4, cols: 4), boundary: "periodic", iterations: 1)
        let runner = PeerRunner(configuration: .init(cCompiler: "diffuse-no-such-cc"))

        for name in ["c", "c-openmp"] {
            let outcome = await runner.run(try #require(PeerCatalog.peer(named: name)), workload: workload)
            guard case .skipped(let reason) = outcome else {
                Issue.record("expected skipped, got \(outcome)")
                continue
            }
            #expect(reason.contains("no C compiler"))
        }
    }

    @Test func peerExitingWithTheSkipStatusIsSkipped() async throws {
        let folder = try TemporaryFolder(prefix: "diffuse-peer-tests")
        let workload = try folder.workload(sampleField(rows: 4, cols: 4), boundary: "periodic", iterations: 1)
        let runner = PeerRunner(configuration: .init(peersDirectory: try folder.fakePeers(python: """
            import json, sys
            if sys.argv[1] == "--probe":
                print(json.dumps({"python": "3", "modules": {m: {"version": "1"} for m in sys.argv[2:]}}))
                sys.exit(0)
            print("skipped: libfoo is not installed (pip install libfoo)", file=sys.stderr)
            sys.exit(3)
            """)))

        let outcome = await runner.run(try #require(PeerCatalog.peer(named: "numpy-naive")), workload: workload)
        if case .skipped(let reason) = outcome, reason.contains("python3") { return }  // no Python here
        #expect(outcome == .skipped(reason: "libfoo is not installed (pip install libfoo)"))
    }

    // MARK: Failed, not crashed

    @Test func unknownPythonPeerFails() async throws {
        let folder = try TemporaryFolder(prefix: "diffuse-peer-tests")
        let workload = try folder.workload(sampleField(rows: 4, cols: 4), boundary: "periodic", iterations: 1)
        let peer = Peer(
            name: "no-such-peer", implementation: .python(requires: []),
            seedCounterpart: nil, lesson: "test", isMultithreaded: false)

        let outcome = await sharedRunner.run(peer, workload: workload)
        if case .skipped(let reason) = outcome, reason.contains("python3") { return }  // no Python here
        guard case .failed(let reason, let stderr) = outcome else {
            Issue.record("expected failed, got \(outcome)")
            return
        }
        #expect(reason == "exited with status 2")
        #expect(stderr?.contains("no-such-peer") == true)
    }

    @Test(arguments: [
        ("int main(void) { fputs(\"diffusion: boom\\n\", stderr); return 1; }", "exited with status 1"),
        ("int main(void) { puts(\"not json\"); return 0; }", "printed no JSON report"),
        ("int main(void) { abort(); }", "killed by signal"),
        (#"int main(void) { puts("{\"peer\": \"c\", \"times_s\": [1], \"best_s\": 1, \"median_s\": 1, \"runs\": 1, \"threads\": 1, \"version\": \"x\"}"); return 0; }"#,
         "final field: "),
    ])
    func failingCPeerIsReportedFailed(source: String, reason expected: String) async throws {
        let folder = try TemporaryFolder(prefix: "diffuse-peer-tests")
        let workload = try folder.workload(sampleField(rows: 4, cols: 4), boundary: "periodic", iterations: 1)
        let runner = PeerRunner(configuration: .init(
            peersDirectory: try folder.fakePeers(c: "#include <stdio.h>\n#include <stdlib.h>\n#include <unistd.h>\n" + source)))

        let outcome = await runner.run(try #require(PeerCatalog.peer(named: "c")), workload: workload)
        guard case .failed(let reason, let stderr) = outcome else {
            Issue.record("expected failed, got \(outcome)")
            return
        }
        #expect(reason.hasPrefix(expected), "\(outcome)")
        if expected == "exited with status 1" {
            #expect(stderr == "diffusion: boom")
        }
    }

    /// A peer that never ends: it and what it started are torn down at the
    /// time limit. The child blocks in pause() (no sleep, no timing): the
    /// limit is reached whatever the machine's speed.
    @Test func peerPastItsTimeLimitIsTornDownWithItsChildren() async throws {
        let folder = try TemporaryFolder(prefix: "diffuse-peer-tests")
        let workload = try folder.workload(sampleField(rows: 4, cols: 4), boundary: "periodic", iterations: 1)
        // The peer forks; the grandchild says who it is on stderr, and both
        // wait for a signal. swift-subprocess stops reading once the peer
        // itself has exited, so only the runner's signals to the peer's
        // process group end the grandchild.
        let source = """
            #include <stdio.h>
            #include <unistd.h>
            int main(void) {
                if (fork() == 0) { fprintf(stderr, "grandchild %d\\n", (int)getpid()); fflush(stderr); }
                for (;;) pause();
            }
            """
        let runner = PeerRunner(configuration: .init(peersDirectory: try folder.fakePeers(c: source), timeout: 0.5))

        let outcome = await runner.run(try #require(PeerCatalog.peer(named: "c")), workload: workload)
        guard case .failed(let reason, let stderr) = outcome else {
            Issue.record("expected failed, got \(outcome)")
            return
        }
        #expect(reason.hasPrefix("timed out after "), "\(outcome)")
        guard let line = stderr, line.hasPrefix("grandchild "), let pid = Int32(line.dropFirst("grandchild ".count)) else {
            // The limit came before the fork: there is no grandchild to check.
            print("peer timeout: no grandchild started within 0.5 s; checked the time limit only")
            return
        }
        #expect(Self.isGoneOrExiting(pid), "grandchild \(pid) outlived its peer")
    }

    /// True when `pid` no longer runs or cannot run again: absent, a zombie,
    /// in exit (PF_EXITING in /proc/PID/stat's flags), or with SIGKILL or
    /// SIGTERM pending (neither is handled by the grandchild, so either ends
    /// it). The runner signals the group before it returns, but on a busy or
    /// one-core machine the grandchild may not have been scheduled since; a
    /// pending fatal signal is as good as gone, and checking for it needs no
    /// waiting.
    static func isGoneOrExiting(_ pid: Int32) -> Bool {
        #if os(Linux)
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 6, let flags = UInt(fields[6]) else { return false }
        let pfExiting: UInt = 0x4
        if fields[0] == "Z" || fields[0] == "X" || flags & pfExiting != 0 { return true }
        let fatal: UInt64 = 1 << (UInt64(SIGKILL) - 1) | 1 << (UInt64(SIGTERM) - 1)
        let pending = status.split(separator: "\n").compactMap { line -> UInt64? in
            guard line.hasPrefix("SigPnd:") || line.hasPrefix("ShdPnd:") else { return nil }
            return UInt64(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces), radix: 16)
        }
        return pending.contains { $0 & fatal != 0 }
        #else
        return kill(pid, 0) != 0 && errno == ESRCH
        #endif
    }

    @Test func mismatchedInitialFieldFailsBeforeRunning() async throws {
        let folder = try TemporaryFolder(prefix: "diffuse-peer-tests")
        var workload = try folder.workload(sampleField(rows: 4, cols: 5), boundary: "periodic", iterations: 1)
        workload.rows = 5
        let outcome = await sharedRunner.run(try #require(PeerCatalog.peer(named: "c")), workload: workload)
        guard case .failed(let reason, _) = outcome else {
            Issue.record("expected failed, got \(outcome)")
            return
        }
        #expect(reason.hasPrefix("initial field: "))
        #expect(reason.contains("5 × 5"))
    }

    @Test func invalidWorkloadFails() async throws {
        let folder = try TemporaryFolder(prefix: "diffuse-peer-tests")
        var workload = try folder.workload(sampleField(rows: 4, cols: 4), boundary: "periodic", iterations: 1)
        workload.boundary = .fixed(.nan)
        let outcome = await sharedRunner.run(try #require(PeerCatalog.peer(named: "c")), workload: workload)
        guard case .failed(let reason, _) = outcome else {
            Issue.record("expected failed, got \(outcome)")
            return
        }
        #expect(reason.hasPrefix("invalid workload: boundary"))
    }
}

// MARK: - Helpers

/// Distinct, irregular values in [0, 1), the same on every run.
private func sampleField(rows: Int, cols: Int) -> Grid<Double> {
    Grid(rows: rows, cols: cols, values: SplitMix64.unitIntervalValues(count: rows * cols, seed: 0x5EED))
}

/// `steps` explicit Euler steps u ← u + k·(N + S + E + W − 4u), k = D·dt/dx²,
/// written as plainly as possible and apart from DiffusionKit's schedules, to
/// check the peers against. `boundary` is spelled as the peers take it:
/// "periodic" wraps, "reflecting" repeats the edge cell, "fixed=v" reads v
/// beyond the edge.
private func handStepped(_ grid: Grid<Double>, steps: Int, k: Double, boundary: String) -> Grid<Double> {
    let rows = grid.rows, cols = grid.cols
    let fixed = boundary.hasPrefix("fixed=") ? Double(boundary.dropFirst(6))! : nil
    var u = grid.values
    for _ in 0 ..< steps {
        func at(_ i: Int, _ j: Int) -> Double {
            if (0 ..< rows).contains(i) && (0 ..< cols).contains(j) { return u[i * cols + j] }
            if let fixed { return fixed }
            if boundary == "periodic" { return u[((i + rows) % rows) * cols + (j + cols) % cols] }
            return u[min(max(i, 0), rows - 1) * cols + min(max(j, 0), cols - 1)]  // reflecting
        }
        var next = u
        for i in 0 ..< rows {
            for j in 0 ..< cols {
                let laplacian = at(i - 1, j) + at(i + 1, j) + at(i, j - 1) + at(i, j + 1) - 4 * at(i, j)
                next[i * cols + j] = u[i * cols + j] + k * laplacian
            }
        }
        u = next
    }
    return Grid(rows: rows, cols: cols, values: u)
}

/// The largest |a − b| over the cells; the shapes must agree.
private func maxDifference(_ a: Grid<Double>, _ b: Grid<Double>) -> Double {
    precondition(a.rows == b.rows && a.cols == b.cols)
    return zip(a.values, b.values).map { abs($0 - $1) }.max() ?? 0
}

/// The field a peer wrote, as Doubles, with the NumPy descriptor it was
/// written in ("<f8" or "<f4").
private func readField(_ url: URL) throws -> (descriptor: String, field: Grid<Double>) {
    let header = try NPYFile.readHeader(path: url.path)
    let field: Grid<Double> = header.descriptor == "<f4"
        ? try NPYFile.read(path: url.path, as: Float.self).converted(to: Double.self)
        : try NPYFile.read(path: url.path, as: Double.self)
    return (header.descriptor, field)
}

extension TemporaryFolder {
    /// A workload on `grid` with D = 0.9, dt = 0.05, dx = 0.5 (k = 0.18) and a zero budget.
    fileprivate func workload(
        _ grid: Grid<Double>, boundary: String, iterations: Int,
        precision: Precision = .double, minRuns: Int = 1
    ) throws -> PeerWorkload {
        let input = url("initial-\(UUID().uuidString).npy")
        switch precision {
        case .double: try NPYFile.write(grid, to: input.path)
        case .float: try NPYFile.write(grid.converted(to: Float.self), to: input.path)
        }
        return PeerWorkload(
            rows: grid.rows, cols: grid.cols, iterations: iterations, boundary: try Boundary(parsing: boundary),
            diffusivity: 0.9, dt: 0.05, dx: 0.5, precision: precision,
            initialField: input, outputDirectory: url("out"),
            budget: 0, minRuns: minRuns)
    }

    /// A peers folder with the given stand-ins for python/peer.py and c/diffusion.c.
    fileprivate func fakePeers(python: String = "", c: String = "") throws -> URL {
        let peers = url("fake-peers-\(UUID().uuidString)")
        for (folder, file, text) in [("python", "peer.py", python), ("c", "diffusion.c", c)] {
            let directory = peers.appendingPathComponent(folder)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try text.write(to: directory.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        return peers
    }
}
