import Foundation
import DiffuseTestSupport
import Testing

@Suite("diffuse report")
struct ReportCommandTests {
    /// A real bench of a small workload, saved as JSON the way users save it.
    static func saveBench(in folder: TemporaryFolder) async throws -> [String] {
        let result = try await DiffuseProcess.run(["bench", "--size", "48", "--iterations", "20", "--variants", "nested,in-place,fused,simd",
                                             "--budget", "0", "--min-runs", "1", "--no-roofline", "--format", "json"])
        #expect(result.status == 0, "\(result.standardError)")
        try result.standardOutput.write(toFile: folder.file("bench.json"), atomically: true, encoding: .utf8)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let workloads = try #require(object["workloads"] as? [[String: Any]])
        let results = try #require(workloads.first?["results"] as? [[String: Any]])
        return results.filter { $0["status"] as? String == "verified" }.compactMap { $0["variant"] as? String }
    }

    @Test("--from bench.json: one self-contained page, a bar per ranked entry in ranked order, every schedule named")
    func fromSavedBench() async throws {
        let folder = try TemporaryFolder()
        let ranked = try await Self.saveBench(in: folder)
        #expect(ranked.count == 4)
        let result = try await DiffuseProcess.run(["report", "--from", "bench.json", "--no-sweep", "--frames", "4", "--output", "r.html"], in: folder.path)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.hasPrefix("wrote r.html ("))
        #expect(folder.contents == ["bench.json", "r.html"])  // written atomically: no temporary file left
        let html = try String(contentsOfFile: folder.file("r.html"), encoding: .utf8)
        #expect(html.utf8.count < 3_000_000)
        #expect(html.components(separatedBy: "<svg").count - 1 >= 3)
        let bars = html.matches(of: /<rect class="bar"[^>]*data-label="([^"]+)"/).map { String($0.1) }
        #expect(bars == ranked)
        for name in ranked { #expect(html.contains(">\(name)<"), "\(name) is not named") }
        // Four heat maps, inline, and the player.
        #expect(html.components(separatedBy: "<figure class=\"frame").count - 1 == 4)
        #expect(html.contains("id=\"field-player\""))
        // No network resource: the only URL is SVG's namespace name, which is never fetched.
        let urls = html.matches(of: /https?:\/\/[^"' )<]+/).map { String($0.0) }
        #expect(Set(urls).isSubset(of: ["http://www.w3.org/2000/svg"]), "\(Set(urls))")
        #expect(!html.contains("<link") && !html.contains("<script src") && !html.contains("@import"))
        // The commands that reproduce the charts name the saved bench.
        #expect(html.contains("diffuse report --from bench.json --output report.html"))
    }

    /// Bad uses: one line on standard error, nothing written.
    static let badInputs: [(arguments: [String], message: String)] = [
        (["--from", "missing.json"], "missing.json: no such file"),
        (["--from", "notes.txt"], "notes.txt: not bench JSON"),
        (["--from", "notes.txt", "--size", "64"], "apply only when the bench runs here"),
        (["--output", "r.txt"], "ending in .html"),
        (["--output", "missing-folder/r.html"], "does not exist"),
        (["--frames", "1"], "--frames must be 2 to 24"),
        // Saved data is read before anything is measured.
        (["--size", "16", "--iterations", "5", "--budget", "0", "--no-roofline", "--sweep", "missing-sweep.json"], "missing-sweep.json: no such file"),
        (["--from", "empty.json"], "the bench holds no workload"),
    ]

    @Test("bad input: one-line error, non-zero exit, no report", arguments: badInputs.indices)
    func badInput(index: Int) async throws {
        let (arguments, message) = Self.badInputs[index]
        let folder = try TemporaryFolder()
        try "not JSON".write(toFile: folder.file("notes.txt"), atomically: true, encoding: .utf8)
        try #"{"machine": {"logical_cpus_online": 1, "logical_cpus_available": 1, "caches": [], "counters": [], "compiler_version": "6.3", "language_mode": "6", "build_configuration": "debug", "native_target_cpu": false}, "date": "", "workloads": []}"#.write(toFile: folder.file("empty.json"), atomically: true, encoding: .utf8)
        let before = folder.contents
        let result = try await DiffuseProcess.run(["report"] + arguments, in: folder.path)
        #expect(result.status != 0)
        #expect(result.standardError.hasPrefix("diffuse: error: ") && result.standardError.contains(message), "\(result.standardError)")
        #expect(result.standardError.filter { $0 == "\n" }.count == 1, "\(result.standardError)")
        #expect(folder.contents == before, "left \(folder.contents)")
    }
}
