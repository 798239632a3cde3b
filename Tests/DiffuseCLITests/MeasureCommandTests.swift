import DiffusionKit
import Foundation
import DiffuseTestSupport
import PerfKit
import Testing

/// A machine with small, distinct caches, so that the sweep's sizes from 16²
/// to 128² fall in L1d, L2 and L3 whatever the host has (`--machine`).
private let sweepMachine = """
    {"cores": 1, "caches": [
        {"level": 1, "type": "data", "size_bytes": 4096},
        {"level": 1, "type": "instruction", "size_bytes": 4096},
        {"level": 2, "size_bytes": 65536},
        {"level": 3, "size_bytes": 1048576, "shared_by": 2}]}
    """

private func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

/// The rows of a line_profiler-style table: (depth, hits, percent, region).
private func profileRows(_ text: String) -> [(depth: Int, hits: Int, percent: Double, region: String)] {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard let rule = lines.firstIndex(where: { $0.hasPrefix("====") }) else { return [] }
    return lines[(rule + 1)...].compactMap { line in
        // Hits (9), Time (12), Per Hit (8), % Time (8), single spaces, then two before the region.
        guard line.count > 42 else { return nil }
        let numbers = line.prefix(40).split(separator: " ")
        let region = String(line.dropFirst(42))
        let name = region.drop(while: { $0 == " " })
        guard numbers.count == 4, let hits = Int(numbers[0]), let percent = Double(numbers[3]) else { return nil }
        return ((region.count - name.count) / 2, hits, percent, String(name))
    }
}

@Suite("diffuse stat, profile, info, sweep and micro")
struct MeasureCommandTests {
    static let hardwareEvents = ["cycles", "stalled-cycles-frontend", "stalled-cycles-backend", "instructions",
                                 "cache-references", "cache-misses", "branches", "branch-misses"]
    static let softwareEvents = ["task-clock", "faults", "minor-faults", "cs", "migrations"]

    @Test("stat prints perf's block: software counters with values, hardware ones with values or <not supported>")
    func statText() async throws {
        let arguments = ["stat", "--variant", "fused", "--size", "32", "--iterations", "20", "--repeat", "2"]
        let result = try await DiffuseProcess.run(arguments)
        #expect(result.status == 0, "\(result.standardError)")
        let text = result.standardOutput
        #expect(text.contains(" Performance counter stats for 'fused, 32×32, 20 steps' (2 runs):"))
        #expect(text.contains("seconds time elapsed"))
        #expect(text.contains("Verified against the reference"))
        // Which events this machine supports, from the JSON of the same command.
        let object = try json(try await DiffuseProcess.run(arguments + ["--format", "json"]).standardOutput)
        let events = try #require(object["events"] as? [String: [String: Any]])
        let lines = text.split(separator: "\n").map(String.init)
        func line(for event: String) -> String? {
            lines.first { $0.range(of: "(msec )?\\s+\(event)(:u)?( |$)", options: .regularExpression) != nil }
        }
        // perf events count every software event; where they cannot be
        // opened (perf_event_paranoid, seccomp, not Linux) diffuse falls back
        // to getrusage, which has no `migrations`.
        let source = try #require(object["source"] as? String)
        var counted = Self.softwareEvents
        if source.hasPrefix("getrusage") {
            print("stat: perf events unavailable here (\(source)); checking the getrusage events and <not supported> migrations")
            counted.removeAll { $0 == "migrations" }
            let row = try #require(line(for: "migrations"), "no line for migrations")
            #expect(row.hasPrefix("   <not supported>"), "\(row)")
            #expect(events["migrations"]?["supported"] as? Bool == false)
        } else {
            #expect(source == "perf_event_open")
        }
        for event in counted {
            let row = try #require(line(for: event), "no line for \(event)")
            #expect(row.range(of: "^\\s+[0-9][0-9,.]*\\s", options: .regularExpression) != nil, "\(row)")
            #expect(events[event]?["supported"] as? Bool == true, "\(event)")
        }
        #expect((events["task-clock"]?["value"] as? Double ?? 0) > 0)
        for event in Self.hardwareEvents {
            let row = try #require(line(for: event), "no line for \(event)")
            if events[event]?["supported"] as? Bool == true {
                #expect(row.range(of: "^\\s+[0-9][0-9,]*\\s", options: .regularExpression) != nil, "\(row)")
            } else {
                #expect(row.hasPrefix("   <not supported>"), "\(row)")
            }
        }
    }

    @Test("stat --format json has the documented keys")
    func statJSON() async throws {
        let result = try await DiffuseProcess.run(["stat", "--variant", "in-place", "--size", "20x30", "--iterations", "5",
                                             "--repeat", "3", "--format", "json"])
        #expect(result.status == 0, "\(result.standardError)")
        let object = try json(result.standardOutput)
        #expect(object["variant"] as? String == "in-place")
        #expect(object["repeats"] as? Int == 3)
        #expect((object["elapsed_s"] as? Double ?? 0) > 0)
        let events = try #require(object["events"] as? [String: [String: Any]])
        #expect(Set(events.keys) == Set(Self.hardwareEvents + Self.softwareEvents))
        for (name, event) in events {
            #expect(event["unit"] is String && event["supported"] is Bool, "\(name)")
            if event["supported"] as? Bool == true, event["counted"] as? Bool == true {
                #expect(event["value"] is Double || event["value"] is Int, "\(name)")
                #expect(event["stddev_pct"] is Double || event["stddev_pct"] is Int, "\(name)")
            }
        }
        #expect(events["task-clock"]?["unit"] as? String == "msec")
    }

    @Test("stat --events counts only the events named")
    func statEvents() async throws {
        let result = try await DiffuseProcess.run(["stat", "--variant", "roll-add", "--size", "16", "--iterations", "3",
                                             "--events", "task-clock,cs", "--format", "json"])
        #expect(result.status == 0, "\(result.standardError)")
        let events = try #require(try json(result.standardOutput)["events"] as? [String: Any])
        #expect(Set(events.keys) == ["task-clock", "cs"])
    }

    @Test("stat --all compares every schedule in one table")
    func statAll() async throws {
        let result = try await DiffuseProcess.run(["stat", "--all", "--size", "24", "--iterations", "5", "--repeat", "1"])
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        let header = try #require(lines.first { $0.hasPrefix("variant") })
        for column in ["time", "cycles", "instructions", "IPC", "cache miss", "branch miss", "faults", "cs", "allocs/step"] {
            #expect(header.contains(column), "missing column \(column)")
        }
        // Every schedule but the aliases (auto runs one of the others).
        let names = ScheduleRegistry.distinct.map(\.descriptor.name)
        for name in names {
            let row = try #require(lines.first { $0.hasPrefix(name + " ") }, "no row for \(name)")
            // spectral without FFTW 3 says so rather than running.
            let unavailable = ScheduleRegistry.all.first { $0.descriptor.name == name }?.limitation(for: Problem(rows: 24, cols: 24)) != nil
            #expect(row.hasSuffix(unavailable ? "UNSUPPORTED" : "verified"), "\(row)")
        }
        let json = try json(try await DiffuseProcess.run(["stat", "--all", "--size", "16", "--iterations", "3", "--repeat", "1",
                                                    "--format", "json"]).standardOutput)
        let rows = try #require(json["rows"] as? [[String: Any]])
        #expect(rows.compactMap { $0["variant"] as? String } == names)
        // nested allocates its rows + 1 arrays per step: 17 on a 16×16 grid.
        #expect(rows.first { $0["variant"] as? String == "nested" }?["allocations_per_step"] as? Double == 17)
        #expect(rows.first { $0["variant"] as? String == "fused" }?["allocations_per_step"] as? Double == 0)
    }

    @Test("stat refuses a schedule that fails the correctness gate, in one line")
    func statGate() async throws {
        // Unstable steps amplify the rounding differences of whole-array's
        // order of operations far past the gate.
        let result = try await DiffuseProcess.run(["stat", "--variant", "whole-array", "--size", "16", "--iterations", "40",
                                             "--dt", "1", "--allow-unstable"])
        #expect(result.status != 0)
        #expect(result.standardError.hasPrefix("diffuse: error: variant 'whole-array' fails the correctness gate"))
        #expect(result.standardError.filter { $0 == "\n" }.count == 1)
        #expect(result.standardOutput.isEmpty)
    }

    @Test("profile shows each schedule's phases; the top-level percentages add up to 100",
          arguments: ScheduleRegistry.all.filter { $0.descriptor.name != "reference" && $0.limitation(for: .seed) == nil }
            .map(\.descriptor.name))
    func profile(variant: String) async throws {
        let result = try await DiffuseProcess.run(["profile", "--variant", variant, "--size", "24", "--iterations", "6"])
        #expect(result.status == 0, "\(result.standardError)")
        let text = result.standardOutput
        #expect(text.hasPrefix("Timer unit: 1e-06 s\n\nTotal time: "))
        #expect(text.contains("Schedule: \(variant) "))
        #expect(text.contains("     Hits         Time  Per Hit   % Time  Region"))
        let rows = profileRows(text)
        #expect(rows.last?.region == "(outside phases)")
        #expect(rows.count >= 2, "no phase in \(text)")
        let sum = rows.filter { $0.depth == 0 }.map(\.percent).reduce(0, +)
        #expect(abs(sum - 100) <= 0.2, "percentages add up to \(sum)")
        let expected = ["in-place": "copy", "nested": "compute", "fused": "step"]
        if let phase = expected[variant] {
            #expect(rows.contains { $0.region == phase && $0.hits > 0 }, "\(text)")
        }
    }

    @Test("profile --format json: the phase rows with their times and percentages")
    func profileJSON() async throws {
        let result = try await DiffuseProcess.run(["profile", "--variant", "in-place", "--size", "16", "--iterations", "4", "--format", "json"])
        #expect(result.status == 0, "\(result.standardError)")
        let object = try json(result.standardOutput)
        #expect(object["variant"] as? String == "in-place")
        let report = try #require(object["report"] as? [String: Any])
        let rows = try #require(report["rows"] as? [[String: Any]])
        #expect(rows.first { $0["name"] as? String == "roll" }?["hits"] as? Int == 16)
        let sum = rows.filter { ($0["path"] as? [String])?.count == 1 }.compactMap { $0["percent"] as? Double }.reduce(0, +)
        #expect(abs(sum - 100) < 1e-6)
    }

    @Test("info lists each cache it reports with its cache fit, in text and JSON")
    func info() async throws {
        let result = try await DiffuseProcess.run(["info"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("CPU "))
        #expect(result.standardOutput.contains("Logical CPUs"))
        #expect(result.standardOutput.contains("Counters (perf events):"))
        let object = try json(try await DiffuseProcess.run(["info", "--format", "json"]).standardOutput)
        let caches = try #require(object["caches"] as? [[String: Any]])
        if caches.isEmpty {
            #expect(result.standardOutput.contains("Caches: this machine does not describe them"))
        }
        for entry in caches {
            let name = try #require(entry["name"] as? String)
            let size = try #require(entry["size_bytes"] as? Int)
            // ⌊√(size / 8 B / 2)⌋
            let side = try #require(entry["largest_square_grid"] as? Int)
            #expect(side * side * 16 <= size && (side + 1) * (side + 1) * 16 > size)
            #expect(result.standardOutput.contains("\n" + name + " "))
        }
        #expect(object["build_configuration"] as? String == "debug" || object["build_configuration"] as? String == "release")
        let counters = try #require(object["counters"] as? [String: String])
        #expect(counters["task-clock"] != nil && counters["cycles"] != nil)
    }

    @Test("sweep marks each size with the cache its working set fits in")
    func sweep() async throws {
        let folder = try TemporaryFolder()
        try sweepMachine.write(toFile: folder.file("machine.json"), atomically: true, encoding: .utf8)
        let arguments = ["sweep", "--from", "16", "--to", "128", "--steps-per-octave", "1", "--iterations", "3",
                         "--machine", folder.file("machine.json")]
        let result = try await DiffuseProcess.run(arguments)
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        // Two Double grids: 16² → 4 KiB (L1d), 32² → 16 KiB and 64² → 64 KiB (L2), 128² → 256 KiB (L3).
        for (side, level) in [(16, "L1d"), (32, "L2"), (64, "L2"), (128, "L3")] {
            let row = try #require(lines.first { $0.range(of: "^ *\(side)² ", options: .regularExpression) != nil },
                                   "no row for \(side)")
            #expect(row.contains("  \(level)  "), "\(row): expected \(level)")
        }
        let object = try json(try await DiffuseProcess.run(arguments + ["--format", "json"]).standardOutput)
        let points = try #require(object["points"] as? [[String: Any]])
        #expect(points.compactMap { $0["rows"] as? Int } == [16, 32, 64, 128])
        for point in points {
            #expect(["L1d", "L2", "L3", "DRAM"].contains(point["cache_level"] as? String ?? ""), "\(point)")
            #expect((point["updates_per_s"] as? Double ?? 0) > 0)
            #expect(point["working_set_bytes"] as? Int == (point["rows"] as? Int ?? 0) * (point["cols"] as? Int ?? 0) * 16)
        }
        let csv = try await DiffuseProcess.run(arguments + ["--format", "csv"]).standardOutput
        #expect(csv.split(separator: "\r\n").count == 5)
        #expect(csv.hasPrefix("rows,cols,working_set_bytes,cache_level,steps_short,steps_long,updates_per_s,"))
        #expect(csv.split(separator: "\r\n")[1].hasPrefix("16,16,4096,"))
    }

    @Test("micro norm: seven implementations, %timeit lines, one value")
    func microNorm() async throws {
        let result = try await DiffuseProcess.run(["micro", "norm", "--length", "1000", "--loops", "3", "--repeat", "2"])
        #expect(result.status == 0, "\(result.standardError)")
        let text = result.standardOutput
        #expect(text.components(separatedBy: "value 332833500\n").count - 1 == 7)
        #expect(text.components(separatedBy: "3 loops, best of 2: ").count - 1 == 7)
        #expect(text.contains("per loop (mean ± std. dev. of 2 runs, 3 loops each)"))
        for name in ["for loop", "reduce", "lazy map + reduce", "ContiguousArray", "unsafe buffer", "SIMD", "dot"] {
            #expect(text.contains("\n" + name), "missing \(name)")
        }
        #expect(text.contains("All 7 values agree within a relative 1e-12"))
    }

    @Test("micro loop: loop_slow and loop_fast timed, their values agree, the hoisting verdict shown")
    func microLoop() async throws {
        let result = try await DiffuseProcess.run(["micro", "loop", "--iterations", "5000", "--loops", "2", "--repeat", "2"])
        #expect(result.status == 0, "\(result.standardError)")
        let values = result.standardOutput.split(separator: "\n").filter { $0.hasPrefix("  value ") }
            .compactMap { Double($0.dropFirst("  value ".count)) }
        #expect(values.count == 2)
        if values.count == 2 { #expect(abs(values[0] - values[1]) <= 1e-12 * abs(values[0])) }
        #expect(result.standardOutput.contains("2 loops, best of 2: "))
        #expect(result.standardOutput.contains("hoist"))
    }

    /// Bad inputs: each fails with one line on standard error.
    static let badInputs: [(arguments: [String], message: String)] = [
        (["stat", "--variant", "nonesuch"], "unknown variant"),
        (["stat", "--repeat", "0"], "--repeat"),
        (["stat", "--iterations", "0"], "--iterations"),
        (["stat", "--events", "cycles,bogus"], "unknown event 'bogus'"),
        (["stat", "--events", ","], "no event named"),
        (["stat", "--all", "--events", "cycles"], "--events"),
        (["stat", "--all", "--variant", "fused"], "not both"),
        (["stat", "--format", "xml"], "--format"),
        (["stat", "--size", "2"], "too small"),
        (["stat", "--threads", "-1"], "--threads"),
        (["profile"], "--variant"),
        (["profile", "--variant", "nonesuch"], "unknown variant"),
        (["profile", "--variant", "fused", "--iterations", "0"], "--iterations"),
        (["profile", "--variant", "fused", "--format", "xml"], "--format"),
        (["profile", "--variant", "fused", "--dt", "0.3"], "largest stable dt"),
        (["info", "--format", "yaml"], "--format"),
        (["sweep", "--from", "2"], "--from"),
        (["sweep", "--from", "100", "--to", "50"], "--to"),
        (["sweep", "--size", "64"], "--size"),
        (["sweep", "--steps-per-octave", "0"], "--steps-per-octave"),
        (["sweep", "--budget", "0"], "--budget"),
        (["sweep", "--iterations", "0"], "--iterations"),
        (["sweep", "--variant", "nonesuch"], "unknown variant"),
        (["sweep", "--format", "xml"], "--format"),
        (["sweep", "--initial", "file:x.npy"], "--initial"),
        (["micro", "norm", "--length", "0"], "--length"),
        (["micro", "norm", "--repeat", "0"], "--repeat"),
        (["micro", "norm", "--loops", "0"], "--loops"),
        (["micro", "loop", "--iterations", "0"], "--iterations"),
        (["micro", "loop", "--iterations", "many"], "iterations"),
        (["micro", "fast"], "fast"),
    ]

    @Test("bad input: one-line error, non-zero exit, nothing on standard output", arguments: badInputs.indices)
    func badInput(index: Int) async throws {
        let (arguments, message) = Self.badInputs[index]
        let result = try await DiffuseProcess.run(arguments)
        #expect(result.status != 0)
        #expect(result.standardError.hasPrefix("diffuse: error: "), "\(arguments): \(result.standardError)")
        #expect(result.standardError.contains(message), "\(arguments): \(result.standardError)")
        #expect(result.standardError.filter { $0 == "\n" }.count == 1, "\(arguments): \(result.standardError)")
        #expect(result.standardOutput.isEmpty)
    }
}
