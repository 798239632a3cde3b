import Foundation
import Testing

@Suite("diffuse bench and diffuse variants")
struct BenchCommandTests {
    @Test("bench prints a verified Wrap Up, progress on standard error")
    func wrapUp() async throws {
        let result = try await DiffuseProcess.run(["bench", "--variants", "fused,nested,in-place", "--size", "32", "--iterations", "10", "--budget", "0.02"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("Wrap Up — 32×32, 10 steps, periodic, block, double"))
        for name in ["fused", "nested", "in-place"] { #expect(result.standardOutput.contains(name)) }
        #expect(result.standardError.contains("[1/3] fused"))
        #expect(!result.standardOutput.contains("[1/3]"))
    }

    @Test("--format json has the documented keys and every entry verified")
    func json() async throws {
        let result = try await DiffuseProcess.run(["bench", "--variants", "fused,roll-add", "--size", "20x30", "--iterations", "5",
                                             "--budget", "0", "--boundary", "fixed=0.5", "--precision", "float", "--format", "json"])
        #expect(result.status == 0, "\(result.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let workloads = try #require(object["workloads"] as? [[String: Any]])
        let workload = try #require(workloads.first?["workload"] as? [String: Any])
        #expect(workload["boundary"] as? String == "fixed=0.5" && workload["precision"] as? String == "float")
        let results = try #require(workloads.first?["results"] as? [[String: Any]])
        #expect(results.count == 2)
        #expect(results.allSatisfy { $0["verified"] as? Bool == true && ($0["runs"] as? Int ?? 0) >= 3 })
    }

    @Test("--sizes gives one table with runtime and speedup per size")
    func sizes() async throws {
        let result = try await DiffuseProcess.run(["bench", "--variants", "nested,fused", "--sizes", "16,24x20", "--iterations", "5", "--budget", "0"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("16² runtime") && result.standardOutput.contains("24×20 speedup"))
    }

    @Test("--peers runs the NumPy and C peers beside the schedules and checks their fields")
    func peers() async throws {
        let result = try await DiffuseProcess.run(["bench", "--variants", "fused", "--peers", "--size", "24", "--iterations", "5",
                                             "--budget", "0", "--format", "json"])
        #expect(result.status == 0, "\(result.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let results = try #require((object["workloads"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])
        let names = Set(results.compactMap { $0["variant"] as? String })
        #expect(names.isSuperset(of: ["fused", "numpy-naive", "numpy-inplace", "numpy-roll-add", "numexpr", "scipy-laplace", "numba-parallel", "c", "c-openmp"]))
        for result in results where result["kind"] as? String == "peer" {
            let status = result["status"] as? String
            // Every peer either ran and agrees with the reference, or says why it was skipped.
            #expect(status == "verified" || status == "skipped", "\(result)")
            if status == "skipped" { #expect((result["reason"] as? String)?.isEmpty == false) }
        }
        // NumPy and the C compiler are installed wherever the tests run (.ci/run sees to it).
        for name in ["numpy-naive", "c"] {
            #expect(results.first { $0["variant"] as? String == name }?["status"] as? String == "verified", "\(name)")
        }
    }

    @Test("--peer runs only the peers it names, once each, in its order")
    func namedPeers() async throws {
        let result = try await DiffuseProcess.run(["bench", "--variants", "fused", "--peer", "c, numpy-naive,c", "--size", "24",
                                                   "--iterations", "5", "--budget", "0", "--min-runs", "1", "--no-roofline",
                                                   "--format", "json"])
        #expect(result.status == 0, "\(result.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let workloads = try #require(object["workloads"] as? [[String: Any]])
        let results = try #require(workloads.first?["results"] as? [[String: Any]])
        let peers = results.filter { $0["kind"] as? String == "peer" }
        #expect(peers.compactMap { $0["variant"] as? String }.sorted() == ["c", "numpy-naive"])
        #expect(peers.allSatisfy { $0["status"] as? String == "verified" }, "\(peers)")
    }

    @Test("bad bench options get a one-line error", arguments: [
        (["--variants", "nonesuch"], "unknown variant"),
        (["--variants", ","], "--variants lists no schedule; available: reference, nested"),
        (["--variants", " , "], "--variants lists no schedule"),
        (["--format", "xml"], "--format"),
        (["--size", "10", "--sizes", "20"], "either --size or --sizes"),
        (["--sizes", "10,two"], "invalid grid size"),
        (["--iterations", "0"], "--iterations"),
        (["--budget", "-1"], "--budget"),
        (["--peer", "c,fortran"], "unknown peer 'fortran' in --peer: expected one of numpy-naive"),
        (["--peer", ""], "unknown peer '' in --peer"),
    ])
    func badOptions(arguments: [String], message: String) async throws {
        let result = try await DiffuseProcess.run(["bench"] + arguments)
        #expect(result.status != 0)
        #expect(result.standardError.hasPrefix("diffuse: error: ") && result.standardError.contains(message), "\(result.standardError)")
        #expect(result.standardError.filter { $0 == "\n" }.count == 1)
        #expect(result.standardOutput.isEmpty)
    }

    @Test("--variants: a schedule named twice is timed and ranked once, at its first place")
    func repeatedVariants() async throws {
        let result = try await DiffuseProcess.run(["bench", "--variants", "fused, nested,fused", "--size", "16", "--iterations", "3",
                                             "--budget", "0", "--min-runs", "1", "--no-roofline", "--format", "json"])
        #expect(result.status == 0, "\(result.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let workloads = try #require(object["workloads"] as? [[String: Any]])
        let results = try #require(workloads.first?["results"] as? [[String: Any]])
        #expect(results.compactMap { $0["variant"] as? String }.sorted() == ["fused", "nested"])
        #expect(result.standardError.contains("[1/2] fused") && result.standardError.contains("[2/2] nested"))
    }

    @Test("--help lists each command's --format values", arguments: [
        ("bench", "table, markdown, csv, json"), ("variants", "table, markdown, csv, json"), ("sweep", "table, json, csv"),
        ("stat", "text, json"), ("profile", "text, json"), ("info", "text, json"), ("roofline", "text, json"),
    ])
    func formatValuesInHelp(command: String, values: String) async throws {
        let result = try await DiffuseProcess.run([command, "--help"])
        #expect(result.status == 0)
        // Help wraps and pads its columns: compare with runs of white space as one space.
        let help = result.standardOutput.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("--format <format> Output format. (values: \(values);"), "\(help)")
    }

    @Test("variants lists the ladder with counterparts and lessons")
    func variants() async throws {
        let result = try await DiffuseProcess.run(["variants"])
        #expect(result.status == 0)
        for name in ["reference", "nested", "nested-scratch", "whole-array", "in-place", "roll-add", "roll-add-blocked", "filter", "fused"] {
            #expect(result.standardOutput.contains("\n\(name) "), "\(name) missing")
        }
        #expect(result.standardOutput.contains("pure Python") && result.standardOutput.contains("NumPy + memory2 + numexpr"))
        let json = try await DiffuseProcess.run(["variants", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        let schedules = try #require(object["schedules"] as? [[String: Any]])
        #expect(schedules.allSatisfy { $0["seed_counterpart"] is String && $0["lesson"] is String })
    }
}
