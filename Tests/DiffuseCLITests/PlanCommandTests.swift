import DiffuseTestSupport
import Foundation
import Testing

@Suite("--plan, --wisdom and diffuse tune")
struct PlanCommandTests {
    private func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("run says what auto chose and why, in text and in JSON")
    func runReportsPlan() async throws {
        let folder = try TemporaryFolder()
        let m = DiffuseProcess.machineArguments
        let wisdom = folder.file("wisdom.json")
        let text = try await DiffuseProcess.run(["run", "--size", "64", "--iterations", "5", "--plan", "estimate", "--wisdom", wisdom] + m)
        #expect(text.status == 0, "\(text.standardError)")
        #expect(text.standardOutput.contains("plan        simd (1 thread) — estimate: 4096 cells"))
        let result = try await DiffuseProcess.run(["run", "--size", "64", "--iterations", "5", "--json", "--wisdom", wisdom] + m)
        let plan = try #require(try json(result.standardOutput)["plan"] as? [String: Any])
        #expect(plan["schedule"] as? String == "simd" && plan["source"] as? String == "estimate")
        #expect(plan["parameters"] is [String: Any] && plan["reason"] is String)
        // A named schedule has no plan.
        let named = try await DiffuseProcess.run(["run", "--size", "64", "--iterations", "5", "--json", "--variant", "simd"] + m)
        #expect(try json(named.standardOutput)["plan"] == nil)
    }

    @Test("a corrupt wisdom file only warns, on one line, and the run goes on")
    func corruptWisdom() async throws {
        let folder = try TemporaryFolder()
        let m = DiffuseProcess.machineArguments
        let wisdom = folder.file("wisdom.json")
        try "{\"format\": \"diffuse-wisdom\", \"entr".write(toFile: wisdom, atomically: false, encoding: .utf8)
        let result = try await DiffuseProcess.run(["run", "--size", "64", "--iterations", "5", "--wisdom", wisdom] + m)
        #expect(result.status == 0)
        let lines = result.standardError.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("diffuse: warning: wisdom file \(wisdom)"))
        #expect(result.standardOutput.contains("estimate"))
    }

    @Test("tune fills the wisdom that run --plan wisdom then follows; without it --plan wisdom is an error")
    func tuneThenRun() async throws {
        let folder = try TemporaryFolder()
        let m = DiffuseProcess.machineArguments
        let wisdom = folder.file("sub/wisdom.json")
        let missing = try await DiffuseProcess.run(["run", "--size", "48", "--iterations", "4", "--plan", "wisdom", "--wisdom", wisdom] + m)
        #expect(missing.status != 0)
        #expect(missing.standardError.split(separator: "\n").count == 1 && missing.standardError.contains("diffuse tune --size 48x48"))
        let tune = try await DiffuseProcess.run(["tune", "--size", "48", "--iterations", "4", "--budget", "0.05", "--wisdom", wisdom, "--json"] + m)
        #expect(tune.status == 0, "\(tune.standardError)")
        let results = try #require(try json(tune.standardOutput)["results"] as? [[String: Any]])
        #expect(results.count == 1)
        let run = try await DiffuseProcess.run(["run", "--size", "48", "--iterations", "4", "--plan", "wisdom", "--wisdom", wisdom, "--json"] + m)
        #expect(run.status == 0, "\(run.standardError)")
        let plan = try #require(try json(run.standardOutput)["plan"] as? [String: Any])
        #expect(plan["source"] as? String == "wisdom")
    }

    @Test("bench --variants auto puts auto's plan in its JSON result")
    func benchPlan() async throws {
        let folder = try TemporaryFolder()
        let m = DiffuseProcess.machineArguments
        let result = try await DiffuseProcess.run(["bench", "--variants", "auto,simd", "--size", "32", "--iterations", "3",
                                             "--budget", "0", "--min-runs", "1", "--no-roofline", "--format", "json", "--plan", "estimate"] + m)
        #expect(result.status == 0, "\(result.standardError)")
        let workloads = try #require(try json(result.standardOutput)["workloads"] as? [[String: Any]])
        let entries = try #require(workloads.first?["results"] as? [[String: Any]])
        let auto = try #require(entries.first { $0["variant"] as? String == "auto" })
        let plan = try #require(auto["plan"] as? [String: Any])
        #expect(plan["schedule"] as? String == "simd" && plan["source"] as? String == "estimate")
        #expect(entries.first { $0["variant"] as? String == "simd" }?["plan"] == nil)
    }
}
