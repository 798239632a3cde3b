import DiffusionKit
import Foundation
import DiffuseTestSupport
import Testing

@Suite("diffuse run")
struct RunCommandTests {
    @Test("prints a summary of the run")
    func summary() async throws {
        let result = try await DiffuseProcess.run(["run", "--size", "64", "--iterations", "20"])
        #expect(result.status == 0)
        let text = result.standardOutput
        for label in ["grid        64×64, periodic, initial block, double", "steps       20 with", "elapsed", "throughput", "cell updates/s", "mass", "relative drift", "min, max"] {
            #expect(text.contains(label), "missing \(label)")
        }
        #expect(result.standardError.isEmpty)  // no progress bar when standard error is a pipe
    }

    @Test("with no options, run uses auto, which picks the fastest schedule for the seed's workload")
    func defaultSchedule() async throws {
        let result = try await DiffuseProcess.run(["run", "--iterations", "5", "--json"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(object["variant"] as? String == "auto" && object["schedule"] as? String == "temporal")
        #expect(object["rows"] as? Int == 640 && object["cols"] as? Int == 640)
    }

    @Test("--json prints one JSON object with the same facts")
    func json() async throws {
        let result = try await DiffuseProcess.run(["run", "--size", "20x30", "--iterations", "10", "--boundary", "reflecting", "--json"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(object["rows"] as? Int == 20 && object["cols"] as? Int == 30)
        #expect(object["iterations"] as? Int == 10)
        #expect(object["boundary"] as? String == "reflecting")
        for key in ["elapsed_s", "updates_per_s", "mass", "min", "max", "relative_mass_drift", "per_iteration_s"] {
            #expect(object[key] is Double || object[key] is Int, "missing \(key)")
        }
        // Reflecting boundaries conserve mass.
        #expect(abs(try #require(object["relative_mass_drift"] as? Double)) < 1e-13)
    }

    @Test("writes .npy files that agree with the reference, for each boundary and a non-square grid",
          arguments: ["periodic", "reflecting", "fixed=0.5", "fixed"])
    func npyOutput(boundary: String) async throws {
        let folder = try TemporaryFolder()
        let arguments = ["run", "--size", "17x29", "--iterations", "40", "--dt", "0.2", "--dx", "1.1",
                         "--diffusivity", "1.3", "--boundary", boundary, "--initial", "gaussian", "--width", "3",
                         "--output", folder.file("field.npy")]
        let result = try await DiffuseProcess.run(arguments)
        #expect(result.status == 0, "\(result.standardError)")
        let written: Grid<Double> = try NPYFile.read(path: folder.file("field.npy"))
        let problem = Problem(rows: 17, cols: 29, diffusivity: 1.3, dt: 0.2, dx: 1.1,
                              boundary: try Boundary(parsing: boundary), initial: .gaussian(width: 3))
        var expected = try problem.makeInitialGrid(Double.self)
        try ReferenceSchedule().run(&expected, steps: 40, problem: problem)
        #expect(FieldComparison.maxAbsDifference(written, expected) <= 1e-14)
        #expect(folder.contents == ["field.npy"])  // no temporary file left behind
    }

    @Test("--precision float writes <f4 files")
    func floatOutput() async throws {
        let folder = try TemporaryFolder()
        let result = try await DiffuseProcess.run(["run", "--size", "12", "--iterations", "5", "--precision", "float", "--output", folder.file("f.npy")])
        #expect(result.status == 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: folder.file("f.npy")))
        #expect(String(decoding: bytes[10 ..< 30], as: UTF8.self).contains("'<f4'"))
        #expect(bytes.count == 128 + 12 * 12 * 4)
    }

    @Test("--output FILE.csv writes one line per row")
    func csvOutput() async throws {
        let folder = try TemporaryFolder()
        let result = try await DiffuseProcess.run(["run", "--size", "7x4", "--iterations", "3", "--initial", "point", "--output", folder.file("f.csv")])
        #expect(result.status == 0)
        let lines = try String(contentsOfFile: folder.file("f.csv"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 7)
        #expect(lines.allSatisfy { $0.split(separator: ",").count == 4 })
        let sum = lines.flatMap { $0.split(separator: ",") }.compactMap { Double(String($0)) }.reduce(0, +)
        #expect(abs(sum - 1) < 1e-12)  // a point of mass 1, periodic
    }

    @Test("--png writes a PNG image the size of the grid")
    func pngOutput() async throws {
        let folder = try TemporaryFolder()
        let result = try await DiffuseProcess.run(["run", "--size", "30x50", "--iterations", "10", "--png", folder.file("f.png")])
        #expect(result.status == 0)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder.file("f.png"))))
        #expect(Array(bytes[0 ..< 8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(String(decoding: bytes[12 ..< 16], as: UTF8.self) == "IHDR")
        let width = bytes[16 ..< 20].reduce(0) { $0 << 8 | Int($1) }
        let height = bytes[20 ..< 24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 50 && height == 30)
    }

    @Test("--every K --output-dir DIR writes a snapshot every K steps, named by step")
    func snapshots() async throws {
        let folder = try TemporaryFolder()
        let result = try await DiffuseProcess.run(["run", "--size", "10", "--iterations", "12", "--every", "5", "--output-dir", folder.file("snaps")])
        #expect(result.status == 0)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.file("snaps")).sorted()
        #expect(names == ["step_00.npy", "step_05.npy", "step_10.npy"])
        // The step-5 snapshot is the field after five steps.
        let five: Grid<Double> = try NPYFile.read(path: folder.file("snaps/step_05.npy"))
        var expected = try Problem(rows: 10, cols: 10).makeInitialGrid(Double.self)
        try ReferenceSchedule().run(&expected, steps: 5, problem: Problem(rows: 10, cols: 10))
        #expect(five == expected)
    }

    @Test("--initial file:PATH takes the grid from a .npy file")
    func fileInitial() async throws {
        let folder = try TemporaryFolder()
        var start = Grid<Double>(rows: 9, cols: 13)
        start[4, 6] = 2
        try NPYFile.write(start, to: folder.file("start.npy"))
        let result = try await DiffuseProcess.run(["run", "--initial", "file:" + folder.file("start.npy"), "--iterations", "3", "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(object["rows"] as? Int == 9 && object["cols"] as? Int == 13)
        #expect(abs((object["mass"] as? Double ?? 0) - 2) < 1e-14)
    }

    /// Bad inputs: each must fail with one line on standard error and write nothing.
    static let badInputs: [(arguments: [String], message: String)] = [
        (["--size", "0"], "too small"),
        (["--size", "-4"], "too small"),
        (["--size", "2"], "too small"),
        (["--size", "abc"], "invalid grid size"),
        (["--size", "10x"], "invalid grid size"),
        (["--size", "400000"], "needs"),
        (["--size", "4000000000"], "too large"),
        (["--dt", "0.3"], "largest stable dt"),
        (["--dt", "abc"], "expected a number"),
        (["--dx", "0"], "dx must be a positive"),
        (["--boundary", "wall"], "unknown boundary"),
        (["--boundary", "fixed=abc"], "is not a finite number"),
        (["--initial", "blob"], "unknown initial condition"),
        (["--initial", "file:missing.npy"], "no such file"),
        (["--iterations", "-1"], "--iterations"),
        (["--precision", "half"], "unknown precision"),
        (["--variant", "nonesuch"], "unknown variant"),
        (["--output", "out.txt"], ".npy or .csv"),
        (["--output", "missing-folder/out.npy"], "does not exist"),
        (["--png", "missing-folder/out.png"], "does not exist"),
        (["--every", "5"], "--output-dir"),
        (["--every", "0", "--output-dir", "snaps"], "at least 1"),
        (["--width", "3"], "gaussian"),
    ]

    @Test("bad input: one-line error, non-zero exit, no output file", arguments: badInputs.indices)
    func badInput(index: Int) async throws {
        let (arguments, message) = Self.badInputs[index]
        let folder = try TemporaryFolder()
        let hasOutput = arguments.contains("--output") || arguments.contains("--png") || arguments.contains("--output-dir")
        let result = try await DiffuseProcess.run(["run"] + arguments + (hasOutput ? [] : ["--output", "out.npy"]), in: folder.path)
        #expect(result.status != 0)
        #expect(result.standardError.hasPrefix("diffuse: error: "), "\(result.standardError)")
        #expect(result.standardError.contains(message), "\(result.standardError)")
        #expect(result.standardError.filter { $0 == "\n" }.count == 1, "\(result.standardError)")
        #expect(result.standardOutput.isEmpty)
        #expect(folder.contents.isEmpty, "left \(folder.contents)")
    }

    @Test("a field that becomes NaN or infinite stops the run, naming the step, and writes nothing")
    func blowUp() async throws {
        let folder = try TemporaryFolder()
        let result = try await DiffuseProcess.run(["run", "--size", "32", "--dt", "1", "--allow-unstable", "--iterations", "5000",
                                             "--output", "out.npy"], in: folder.path)
        #expect(result.status != 0)
        #expect(result.standardError.contains("NaN or infinite at step "))
        #expect(folder.contents.isEmpty)
    }
}
