// PeerRunnerTests.swift: the peers run, agree with a hand-computed answer, and
// say why when they cannot run or go wrong.
//
// Small grids and a zero budget: each peer run is a warm-up and one or two
// timed runs of a few milliseconds. The C peer is compiled once, by the shared
// runner. Python peers need python3 with NumPy and SciPy (as CI installs them);
// numexpr and Numba may be missing, and then must be reported skipped.

import DiffusionKit
import Foundation
import Testing
import Workbench

/// One runner for the whole suite, so the C peer is compiled once.
private let sharedRunner = PeerRunner()

@Suite("Peers")
struct PeerRunnerTests {
    // MARK: Catalog

    @Test func catalogListsEveryPeerOnce() {
        #expect(PeerCatalog.names == [
            "numpy-naive", "numpy-inplace", "numpy-roll-add", "numexpr", "scipy-laplace",
            "numba-parallel", "devito", "c", "c-openmp",
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
    func cPeerMatchesHandComputedSteps(boundary: String) throws {
        let folder = try TemporaryFolder()
        let grid = Grid.sample(rows: 7, cols: 5)
        let workload = try folder.workload(grid, boundary: boundary, iterations: 12, minRuns: 2)

        let outcome = sharedRunner.run(try #require(PeerCatalog.peer(named: "c")), workload: workload)
        let measurement = try #require(outcome.measurement, "\(outcome)")

        #expect(measurement.peer == "c")
        #expect(measurement.runs >= 2)
        #expect(measurement.times.count == measurement.runs)
        #expect(measurement.best == measurement.times.min())
        #expect(measurement.threads == 1)
        #expect(measurement.version.contains("-O3"))
        #expect(measurement.output == workload.outputDirectory.appendingPathComponent("c.npy"))

        let result = try Grid.read(measurement.output)
        #expect(result.descr == "<f8")
        #expect(result.rows == 7 && result.cols == 5)
        let expected = grid.stepped(12, k: 0.9 * 0.05 / (0.5 * 0.5), boundary: boundary)
        #expect(result.maxDifference(from: expected) <= 1e-14)
    }

    @Test func cPeerComputesFloatFieldsInFloat() throws {
        let folder = try TemporaryFolder()
        let grid = Grid.sample(rows: 6, cols: 9)
        let workload = try folder.workload(grid, boundary: "fixed=1.5", iterations: 10, precision: .float)

        let outcome = sharedRunner.run(try #require(PeerCatalog.peer(named: "c")), workload: workload)
        let measurement = try #require(outcome.measurement, "\(outcome)")

        let result = try Grid.read(measurement.output)
        #expect(result.descr == "<f4")
        let expected = grid.stepped(10, k: 0.18, boundary: "fixed=1.5")
        #expect(result.maxDifference(from: expected) <= 1e-5)
    }

    @Test func openMPPeerRunsOrSaysWhy() throws {
        let folder = try TemporaryFolder()
        let grid = Grid.sample(rows: 9, cols: 8)
        var workload = try folder.workload(grid, boundary: "periodic", iterations: 6)
        workload.threads = 2

        let outcome = sharedRunner.run(try #require(PeerCatalog.peer(named: "c-openmp")), workload: workload)
        switch outcome {
        case .ran(let measurement):
            #expect(measurement.peer == "c-openmp")
            #expect(measurement.threads == 2)
            let expected = grid.stepped(6, k: 0.18, boundary: "periodic")
            #expect(try Grid.read(measurement.output).maxDifference(from: expected) <= 1e-14)
        case .skipped(let reason):
            #expect(reason.contains("-fopenmp"))
        case .failed:
            Issue.record("c-openmp failed: \(outcome)")
        }
    }

    // MARK: The Python peers

    @Test(arguments: ["numpy-naive", "numpy-inplace", "numpy-roll-add", "scipy-laplace"])
    func numpyPeerMatchesHandComputedSteps(name: String) throws {
        let folder = try TemporaryFolder()
        let grid = Grid.sample(rows: 6, cols: 11)
        let workload = try folder.workload(grid, boundary: "reflecting", iterations: 9)

        let outcome = sharedRunner.run(try #require(PeerCatalog.peer(named: name)), workload: workload)
        if case .skipped(let reason) = outcome {
            // Only where Python or NumPy/SciPy is missing (CI installs them).
            #expect(reason.contains("python3") || reason.contains("not installed"))
            return
        }
        let measurement = try #require(outcome.measurement, "\(outcome)")
        #expect(measurement.peer == name)
        #expect(measurement.version.contains("numpy"))
        let expected = grid.stepped(9, k: 0.18, boundary: "reflecting")
        #expect(try Grid.read(measurement.output).maxDifference(from: expected) <= 1e-14)
    }

    @Test(arguments: ["numexpr", "numba-parallel", "devito"])
    func optionalPeerRunsOrIsSkipped(name: String) throws {
        let folder = try TemporaryFolder()
        let grid = Grid.sample(rows: 5, cols: 7)
        let workload = try folder.workload(grid, boundary: "fixed=0.5", iterations: 4, minRuns: 1)

        let outcome = sharedRunner.run(try #require(PeerCatalog.peer(named: name)), workload: workload)
        switch outcome {
        case .ran(let measurement):
            let expected = grid.stepped(4, k: 0.18, boundary: "fixed=0.5")
            #expect(try Grid.read(measurement.output).maxDifference(from: expected) <= 1e-14)
        case .skipped(let reason):
            #expect(reason.contains("pip install") || reason.contains("cannot be imported")
                || reason.contains("python3"))
        case .failed:
            Issue.record("\(name) failed: \(outcome)")
        }
    }

    @Test("devito runs fixed=V only: periodic and reflecting are skipped with the reason",
          arguments: ["periodic", "reflecting"])
    func devitoSkipsOtherBoundaries(boundary: String) throws {
        let folder = try TemporaryFolder()
        let workload = try folder.workload(Grid.sample(rows: 5, cols: 7), boundary: boundary, iterations: 2, minRuns: 1)
        let outcome = sharedRunner.run(try #require(PeerCatalog.peer(named: "devito")), workload: workload)
        guard case .skipped(let reason) = outcome else {
            Issue.record("expected skipped, got \(outcome)")
            return
        }
        // Without Devito (or Python), the reason is that instead.
        #expect(reason.contains("devito runs only fixed=V") && reason.contains(boundary)
            || reason.contains("pip install") || reason.contains("python3") || reason.contains("cannot be imported"))
    }

    // MARK: Skipped, with the reason

    @Test func missingModuleIsSkippedWithTheReason() throws {
        let folder = try TemporaryFolder()
        let workload = try folder.workload(Grid.sample(rows: 4, cols: 4), boundary: "periodic", iterations: 1)
        let peer = Peer(
            name: "numpy-naive", implementation: .python(requires: ["diffuse_no_such_module"]),
            seedCounterpart: nil, lesson: "test", isMultithreaded: false)

        let outcome = sharedRunner.run(peer, workload: workload)
        guard case .skipped(let reason) = outcome else {
            Issue.record("expected skipped, got \(outcome)")
            return
        }
        if !reason.contains("python3") {  // python3 itself is there, as on CI
            #expect(reason == "diffuse_no_such_module is not installed (pip install diffuse_no_such_module)")
        }
        #expect(outcome.description.hasPrefix("skipped: "))
    }

    @Test func missingPythonIsSkippedWithTheReason() throws {
        let folder = try TemporaryFolder()
        let workload = try folder.workload(Grid.sample(rows: 4, cols: 4), boundary: "periodic", iterations: 1)
        let runner = PeerRunner(configuration: .init(python: "/nonexistent/python3"))

        let outcome = runner.run(try #require(PeerCatalog.peer(named: "numpy-naive")), workload: workload)
        guard case .skipped(let reason) = outcome else {
            Issue.record("expected skipped, got \(outcome)")
            return
        }
        #expect(reason.contains("DIFFUSE_PYTHON"))
        #expect(runner.skipReason(for: try #require(PeerCatalog.peer(named: "scipy-laplace"))) == reason)
    }

    @Test func missingCompilerSkipsBothCPeers() throws {
        let folder = try TemporaryFolder()
        let workload = try folder.workload(Grid.sample(rows: 4, cols: 4), boundary: "periodic", iterations: 1)
        let runner = PeerRunner(configuration: .init(cCompiler: "diffuse-no-such-cc"))

        for name in ["c", "c-openmp"] {
            let outcome = runner.run(try #require(PeerCatalog.peer(named: name)), workload: workload)
            guard case .skipped(let reason) = outcome else {
                Issue.record("expected skipped, got \(outcome)")
                continue
            }
            #expect(reason.contains("no C compiler"))
        }
    }

    @Test func peerExitingWithTheSkipStatusIsSkipped() throws {
        let folder = try TemporaryFolder()
        let workload = try folder.workload(Grid.sample(rows: 4, cols: 4), boundary: "periodic", iterations: 1)
        let runner = PeerRunner(configuration: .init(peersDirectory: try folder.fakePeers(python: """
            import json, sys
            if sys.argv[1] == "--probe":
                print(json.dumps({"python": "3", "modules": {m: {"version": "1"} for m in sys.argv[2:]}}))
                sys.exit(0)
            print("skipped: libfoo is not installed (pip install libfoo)", file=sys.stderr)
            sys.exit(3)
            """)))

        let outcome = runner.run(try #require(PeerCatalog.peer(named: "numpy-naive")), workload: workload)
        if case .skipped(let reason) = outcome, reason.contains("python3") { return }  // no Python here
        #expect(outcome == .skipped(reason: "libfoo is not installed (pip install libfoo)"))
    }

    // MARK: Failed, not crashed

    @Test func unknownPythonPeerFails() throws {
        let folder = try TemporaryFolder()
        let workload = try folder.workload(Grid.sample(rows: 4, cols: 4), boundary: "periodic", iterations: 1)
        let peer = Peer(
            name: "no-such-peer", implementation: .python(requires: []),
            seedCounterpart: nil, lesson: "test", isMultithreaded: false)

        let outcome = sharedRunner.run(peer, workload: workload)
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
        ("int main(void) { sleep(30); return 0; }", "timed out"),
        (#"int main(void) { puts("{\"peer\": \"c\", \"times_s\": [1], \"best_s\": 1, \"median_s\": 1, \"runs\": 1, \"threads\": 1, \"version\": \"x\"}"); return 0; }"#,
         "final field: "),
    ])
    func failingCPeerIsReportedFailed(source: String, reason expected: String) throws {
        let folder = try TemporaryFolder()
        let workload = try folder.workload(Grid.sample(rows: 4, cols: 4), boundary: "periodic", iterations: 1)
        let runner = PeerRunner(configuration: .init(
            peersDirectory: try folder.fakePeers(c: "#include <stdio.h>\n#include <stdlib.h>\n#include <unistd.h>\n" + source),
            timeout: 1))

        let outcome = runner.run(try #require(PeerCatalog.peer(named: "c")), workload: workload)
        guard case .failed(let reason, let stderr) = outcome else {
            Issue.record("expected failed, got \(outcome)")
            return
        }
        #expect(reason.hasPrefix(expected), "\(outcome)")
        if expected == "exited with status 1" {
            #expect(stderr == "diffusion: boom")
        }
    }

    @Test func mismatchedInitialFieldFailsBeforeRunning() throws {
        let folder = try TemporaryFolder()
        var workload = try folder.workload(Grid.sample(rows: 4, cols: 5), boundary: "periodic", iterations: 1)
        workload.rows = 5
        let outcome = sharedRunner.run(try #require(PeerCatalog.peer(named: "c")), workload: workload)
        guard case .failed(let reason, _) = outcome else {
            Issue.record("expected failed, got \(outcome)")
            return
        }
        #expect(reason.hasPrefix("initial field: "))
        #expect(reason.contains("5 × 5"))
    }

    @Test func invalidWorkloadFails() throws {
        let folder = try TemporaryFolder()
        var workload = try folder.workload(Grid.sample(rows: 4, cols: 4), boundary: "periodic", iterations: 1)
        workload.boundary = "fixed=abc"
        let outcome = sharedRunner.run(try #require(PeerCatalog.peer(named: "c")), workload: workload)
        guard case .failed(let reason, _) = outcome else {
            Issue.record("expected failed, got \(outcome)")
            return
        }
        #expect(reason.hasPrefix("invalid workload: boundary"))
    }
}

// MARK: - Helpers

/// A row-major field, with the plainest possible stepping to check peers against.
private struct Grid {
    var rows: Int
    var cols: Int
    var values: [Double]

    /// Distinct, irregular values in [0, 1).
    static func sample(rows: Int, cols: Int) -> Grid {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let values = (0..<rows * cols).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        return Grid(rows: rows, cols: cols, values: values)
    }

    /// `steps` explicit Euler steps with coefficient k = D·dt/dx².
    func stepped(_ steps: Int, k: Double, boundary: String) -> Grid {
        let fixed = boundary.hasPrefix("fixed=") ? Double(boundary.dropFirst(6))! : nil
        var u = values
        for _ in 0..<steps {
            func at(_ i: Int, _ j: Int) -> Double {
                if (0..<rows).contains(i) && (0..<cols).contains(j) { return u[i * cols + j] }
                if let fixed { return fixed }
                if boundary == "periodic" { return u[((i + rows) % rows) * cols + (j + cols) % cols] }
                return u[min(max(i, 0), rows - 1) * cols + min(max(j, 0), cols - 1)]  // reflecting
            }
            var next = u
            for i in 0..<rows {
                for j in 0..<cols {
                    let laplacian = at(i - 1, j) + at(i + 1, j) + at(i, j - 1) + at(i, j + 1) - 4 * at(i, j)
                    next[i * cols + j] = u[i * cols + j] + k * laplacian
                }
            }
            u = next
        }
        return Grid(rows: rows, cols: cols, values: u)
    }

    func maxDifference(from other: Grid) -> Double {
        precondition(rows == other.rows && cols == other.cols)
        return zip(values, other.values).map { abs($0 - $1) }.max() ?? 0
    }

    /// NumPy format 1.0, little-endian, C order.
    func write(to url: URL, float: Bool) throws {
        var header = "{'descr': '\(float ? "<f4" : "<f8")', 'fortran_order': False, 'shape': (\(rows), \(cols)), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        data.append(contentsOf: [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        data.append(contentsOf: Array(header.utf8))
        for value in values {
            if float {
                withUnsafeBytes(of: Float(value).bitPattern.littleEndian) { data.append(contentsOf: $0) }
            } else {
                withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
            }
        }
        try data.write(to: url)
    }

    struct Read {
        var descr: String
        var rows: Int
        var cols: Int
        var values: [Double]

        func maxDifference(from grid: Grid) -> Double {
            Grid(rows: rows, cols: cols, values: values).maxDifference(from: grid)
        }
    }

    /// Reads what the peers write: format 1.0, '<f8' or '<f4', C order, 2-D.
    static func read(_ url: URL) throws -> Read {
        let bytes = [UInt8](try Data(contentsOf: url))
        try #require(bytes.count > 10 && bytes[0] == 0x93 && bytes[6] == 1)
        let length = Int(bytes[8]) | Int(bytes[9]) << 8
        let header = String(decoding: bytes[10..<10 + length], as: UTF8.self)
        let descr = header.contains("'<f4'") ? "<f4" : "<f8"
        let shape = try #require(header.split(separator: "(").last?.split(separator: ")").first)
        let dims = shape.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        try #require(dims.count == 2 && header.contains("'fortran_order': False"))
        let size = descr == "<f4" ? 4 : 8
        let body = Array(bytes[(10 + length)...])
        try #require(body.count == dims[0] * dims[1] * size)
        let values = (0..<dims[0] * dims[1]).map { index -> Double in
            var bits: UInt64 = 0
            for byte in (0..<size).reversed() { bits = bits << 8 | UInt64(body[index * size + byte]) }
            return size == 4 ? Double(Float(bitPattern: UInt32(bits))) : Double(bitPattern: bits)
        }
        return Read(descr: descr, rows: dims[0], cols: dims[1], values: values)
    }
}

/// A temporary folder, removed when the test's value goes away.
private final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("diffuse-peer-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// A workload on `grid` with D = 0.9, dt = 0.05, dx = 0.5 (k = 0.18) and a zero budget.
    func workload(
        _ grid: Grid, boundary: String, iterations: Int,
        precision: Precision = .double, minRuns: Int = 1
    ) throws -> PeerWorkload {
        let input = url.appendingPathComponent("initial-\(UUID().uuidString).npy")
        try grid.write(to: input, float: precision == .float)
        return PeerWorkload(
            rows: grid.rows, cols: grid.cols, iterations: iterations, boundary: boundary,
            diffusivity: 0.9, dt: 0.05, dx: 0.5, precision: precision,
            initialField: input, outputDirectory: url.appendingPathComponent("out"),
            budget: 0, minRuns: minRuns)
    }

    /// A peers folder with the given stand-ins for python/peer.py and c/diffusion.c.
    func fakePeers(python: String = "", c: String = "") throws -> URL {
        let peers = url.appendingPathComponent("fake-peers-\(UUID().uuidString)")
        for (folder, file, text) in [("python", "peer.py", python), ("c", "diffusion.c", c)] {
            let directory = peers.appendingPathComponent(folder)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try text.write(to: directory.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        return peers
    }
}
