import ArgumentParser
import DiffusionKit
import Foundation
import Hardware
import PerfKit
import Workbench

/// Where `diffuse report` gets its data: saved JSON, or measurements made now.
enum ReportData {
    /// The bench of `command`'s options, run here, with progress on standard error.
    static func runBench(_ command: ReportCommand) throws -> BenchReport {
        let problem = try command.model.problem()
        let schedules: [any Schedule] = try command.variants.map { list in
            try list.split(separator: ",").map { try ScheduleRegistry.named(String($0).trimmingCharacters(in: .whitespaces)) }
        } ?? ScheduleRegistry.distinct.filter { $0.descriptor.name != ReferenceSchedule().descriptor.name }
        let plan = BenchPlan(problems: [problem], iterations: command.iterations, schedules: schedules,
                             peers: command.peers ? PeerCatalog.all : [], budget: command.budget,
                             minimumRuns: command.minRuns, threads: command.threads)
        let machine = Machine.current()
        let description = MachineDescription.host
        let display = BenchProgressDisplay()
        let roofs = command.roofline
            ? MachineRoofsMeter(machine: description, threads: command.threads, trials: 3).measure { display.note($0) }
            : nil
        var report = try BenchRunner(plan: plan, meter: PerfKitRunMeter())
            .run(machine: machine, date: ISO8601DateFormatter().string(from: Date())) { display.show($0) }
        if let roofs { report = report.applying(roofs: roofs, schedules: schedules, machine: description, threads: command.threads) }
        return report
    }

    /// The benches saved in `paths`, joined: the first file's machine and
    /// date, the first roofs found, every file's workloads.
    static func loadBench(_ paths: [String]) throws -> BenchReport {
        var joined: BenchReport?
        for path in paths {
            let report = try decode(BenchReport.self, from: path, what: "bench JSON (diffuse bench --format json)")
            if joined == nil {
                joined = report
            } else {
                joined!.workloads += report.workloads
                if joined!.roofs == nil { joined!.roofs = report.roofs }
            }
        }
        return joined!
    }

    /// The sweeps saved in `paths`, in order.
    static func loadSweeps(_ paths: [String]) throws -> [SweepReport] {
        try paths.map { try decode(SweepReport.self, from: $0, what: "sweep JSON (diffuse sweep --format json)") }
    }

    /// A short sweep of the three fastest Diffuse schedules of the first
    /// workload, measured now, and a sentence saying so.
    static func measureSweeps(_ command: ReportCommand, bench: BenchReport) throws -> ([SweepReport], String) {
        if command.noSweep { return ([], "No sweep was given (--sweep) and --no-sweep skipped measuring one.") }
        guard let workload = bench.workloads.first else { return ([], "") }
        var problem = try workload.workload.problem()
        if case .file = problem.initial { problem.initial = .block }
        let names = workload.results.filter { $0.isRanked && $0.kind == .swift }.prefix(3).map(\.variant)
        let plan = SweepPlan(problem: problem, from: 64, to: command.sweepTo, stepsPerOctave: 2, budget: 0.2, threads: command.threads)
        let runner = SweepRunner(plan: plan)
        var reports: [SweepReport] = []
        for name in names {
            Terminal.standardError("sweeping \(name) from 64² to \(command.sweepTo)²…\n")
            reports.append(try runner.run(try ScheduleRegistry.named(name)))
        }
        return (reports, "A short sweep (64² to \(command.sweepTo)², 0.2 s a point) of the \(names.count) fastest schedules, measured on this machine when the page was made.")
    }

    /// Decodes the JSON file at `path`, with a one-line error that names it.
    static func decode<Value: Decodable>(_: Value.Type, from path: String, what: String) throws -> Value {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isFolder: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
            throw CommandFailure("\(path): \(exists ? (isFolder.boolValue ? "is a folder, not a file" : "cannot be read") : "no such file")")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            return try decoder.decode(Value.self, from: data)
        } catch let error as DecodingError {
            throw CommandFailure("\(path): not \(what): \(describe(error))")
        }
    }

    /// A short account of a decoding error: what was wrong and where.
    static func describe(_ error: DecodingError) -> String {
        func place(_ path: [any CodingKey]) -> String {
            path.isEmpty ? "the top level" : path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(place(context.codingPath + [key])) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "\(place(context.codingPath)) has the wrong type"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "the file is not valid JSON" : "\(place(context.codingPath)) is invalid"
        @unknown default: return "unreadable"
        }
    }
}
