import Foundation
import Hardware
import DiffuseTestSupport
import Testing

/// `--machine FILE.json`: plans made as if on another machine.
@Suite("--machine")
struct MachineOptionTests {
    private func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("a one-core machine file: run reports 1 thread, and the field is the same")
    func oneCore() async throws {
        let folder = try TemporaryFolder()
        let file = folder.file("one-core.json")
        try #"{"cores": 1, "caches": [{"level": 2, "size_bytes": 524288}, {"level": 3, "size_bytes": 33554432, "shared_by": 2}], "vector_bytes": 32}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        let arguments = ["run", "--size", "640", "--iterations", "10", "--variant", "parallel", "--json"]
        let one = try json(try await DiffuseProcess.run(arguments + ["--machine", file]).standardOutput)
        #expect(one["threads"] as? Int == 1)
        // The same workload planned for an 8-core machine reports 8 threads
        // (409 600 cells: 8 × 32 768 and more), whatever this host has.
        let eight = folder.file("eight.json")
        try #"{"cores": 8}"#.write(toFile: eight, atomically: true, encoding: .utf8)
        let many = try json(try await DiffuseProcess.run(arguments + ["--machine", eight]).standardOutput)
        #expect(many["threads"] as? Int == 8)
        // Threads change how, not what: the summaries agree exactly.
        for key in ["mass", "min", "max"] {
            #expect((one[key] as? Double) == (many[key] as? Double), "\(key)")
        }
    }

    @Test("what `diffuse info --format json` prints is a machine file")
    func infoIsAMachineFile() async throws {
        let info = try await DiffuseProcess.run(["info", "--format", "json"])
        #expect(info.status == 0, "\(info.standardError)")
        // The whole of `info`'s output is accepted as a machine file. Its
        // "machine" member is the host's; the plan's expectation must not
        // depend on the host, so an explicit description takes its place:
        // a Zen 3 with 3 cores. 640² has work for 12 threads of 32 768 cells,
        // so the run is planned for all 3.
        _ = try JSONDecoder().decode(MachineFile.self, from: Data(info.standardOutput.utf8))
        var object = try json(info.standardOutput)
        var explicit = TestMachines.zen3
        explicit.cores = 3
        object["machine"] = try JSONSerialization.jsonObject(with: JSONEncoder().encode(explicit))
        let folder = try TemporaryFolder()
        let file = folder.file("info.json")
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: file))
        let run = try await DiffuseProcess.run(["run", "--size", "640", "--iterations", "3", "--variant", "parallel",
                                          "--json", "--machine", file])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(try json(run.standardOutput)["threads"] as? Int == 3)
    }

    @Test("a file that cannot be used is one line on standard error, and nothing runs",
          arguments: [("missing.json", nil), ("empty.json", ""), ("bad.json", "{\"cores\": \"two\"}"),
                      ("nocores.json", "{\"caches\": []}")] as [(String, String?)])
    func refused(name: String, content: String?) async throws {
        let folder = try TemporaryFolder()
        let file = folder.file(name)
        if let content { try content.write(toFile: file, atomically: true, encoding: .utf8) }
        for command in ["run", "bench", "stat", "profile", "sweep"] {
            let variant = command == "bench" ? ["--variants", "fused"] : ["--variant", "fused"]
            let result = try await DiffuseProcess.run([command, "--iterations", "1", "--machine", file] + variant)
            #expect(result.status != 0, "\(command)")
            #expect(result.standardOutput.isEmpty, "\(command)")
            let lines = result.standardError.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].hasPrefix("diffuse: error: --machine \(file):"), "\(command): \(result.standardError)")
        }
    }
}
