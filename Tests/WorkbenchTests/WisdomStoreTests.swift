import DiffuseTestSupport
import DiffusionKit
import Foundation
import Hardware
import Testing
import Workbench

/// A folder of its own for each test's wisdom file, removed afterwards.
private final class WisdomFolder {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "diffuse-wisdom-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    var wisdomPath: String { path + "/cache/diffuse/wisdom.json" }
    var store: WisdomStore { WisdomStore(path: wisdomPath) }

    /// The files beside the wisdom file.
    var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path + "/cache/diffuse")) ?? []).sorted()
    }

    func write(_ text: String) throws {
        try FileManager.default.createDirectory(atPath: path + "/cache/diffuse", withIntermediateDirectories: true)
        try text.write(toFile: wisdomPath, atomically: false, encoding: .utf8)
    }
}

/// A 2-core machine with 512 KiB L2 and 32 MiB L3, AVX2.
private let machine = TestMachines.zen3
private let context = ExecutionContext(machine: machine)
private let build = "release native"
private let fingerprint = MachineFingerprint(machine, build: build)

private func entry(_ problem: Problem, _ schedule: String, threads: Int = 2, on machine: MachineFingerprint = fingerprint) -> Wisdom.Entry {
    Wisdom.Entry(machine: machine, workload: WorkloadClass(problem),
                 plan: Plan(schedule: schedule, parameters: .init(threads: threads), source: .measured, reason: "measured: test"),
                 secondsPerStep: 1e-4, measuredOn: "\(problem.rows)x\(problem.cols)")
}

@Suite("wisdom file")
struct WisdomStoreTests {
    @Test("the default place: $XDG_CACHE_HOME/diffuse, else ~/.cache/diffuse; a relative XDG_CACHE_HOME is ignored")
    func defaultPath() {
        #expect(WisdomStore.defaultPath(environment: ["XDG_CACHE_HOME": "/x/cache", "HOME": "/home/u"]) == "/x/cache/diffuse/wisdom.json")
        #expect(WisdomStore.defaultPath(environment: ["HOME": "/home/u"]) == "/home/u/.cache/diffuse/wisdom.json")
        #expect(WisdomStore.defaultPath(environment: ["XDG_CACHE_HOME": "rel", "HOME": "/home/u"]) == "/home/u/.cache/diffuse/wisdom.json")
        #expect(WisdomStore(explicitPath: "/tmp/w.json", environment: [:]).path == "/tmp/w.json")
    }

    @Test("round trip: what is recorded is read back, the folder is created, no temporary file is left")
    func roundTrip() throws {
        let folder = try WisdomFolder()
        #expect(folder.store.read().warning == nil && folder.store.read().wisdom.entries.isEmpty)  // missing: no warning
        try folder.store.record([entry(.seed, "parallel"), entry(Problem(rows: 4096, cols: 4096), "temporal")])
        let reading = folder.store.read()
        #expect(reading.warning == nil)
        #expect(reading.wisdom.entries.count == 2)
        #expect(reading.wisdom.plan(for: WorkloadClass(.seed), on: fingerprint)?.schedule == "parallel")
        #expect(folder.files == ["wisdom.json", "wisdom.json.lock"])
        // Recording again replaces the entry of the same class.
        try folder.store.record([entry(.seed, "simd", threads: 1)])
        #expect(folder.store.read().wisdom.entries.count == 2)
        #expect(folder.store.read().wisdom.plan(for: WorkloadClass(.seed), on: fingerprint)?.schedule == "simd")
    }

    @Test("a corrupt, stale or foreign-format file is ignored with one warning line, and replaced by the next record",
          arguments: ["{not json", "", "{\"format\": \"diffuse-wisdom\", \"version\": 0, \"entries\": []}",
                      "{\"format\": \"fftw\", \"version\": 1, \"entries\": []}", "[1, 2, 3]"])
    func badFiles(text: String) throws {
        let folder = try WisdomFolder()
        try folder.write(text)
        let reading = folder.store.read()
        let warning = try #require(reading.warning)
        #expect(!warning.contains("\n") && warning.contains(folder.wisdomPath))
        #expect(reading.wisdom.entries.isEmpty)
        var resolver = PlanResolver(mode: .automatic, store: folder.store, build: build)
        let resolution = try resolver.plan(for: .seed, steps: 500, context: context)
        #expect(resolution.plan.source == .estimate && resolution.warnings == [warning])
        let replaced = try folder.store.record([entry(.seed, "parallel")])
        #expect(replaced == warning)
        #expect(folder.store.read().warning == nil)
    }

    @Test("wisdom of another machine is ignored with a warning; auto then estimates")
    func foreignMachine() throws {
        let folder = try WisdomFolder()
        var other = machine
        other.vectorBytes = 64
        try folder.store.record([entry(.seed, "parallel", on: MachineFingerprint(other, build: build))])
        var resolver = PlanResolver(mode: .automatic, store: folder.store, build: build)
        let resolution = try resolver.plan(for: .seed, steps: 500, context: context)
        #expect(resolution.plan.source == .estimate && resolution.plan.schedule == "temporal")
        #expect(resolution.warnings.count == 1 && resolution.warnings[0].contains("other machines"))
        // The warning is given once per resolver, not once per workload.
        #expect(try resolver.plan(for: Problem(rows: 300, cols: 300), steps: 50, context: context).warnings.isEmpty)
    }

    @Test("--plan auto uses wisdom where there is some, and says so; --plan wisdom without any is an error")
    func modes() throws {
        let folder = try WisdomFolder()
        try folder.store.record([entry(.seed, "parallel")])
        var automatic = PlanResolver(mode: .automatic, store: folder.store, build: build)
        let found = try automatic.plan(for: Problem(rows: 700, cols: 650), steps: 500, context: context).plan
        #expect(found.schedule == "parallel" && found.source == .wisdom && found.reason.contains("wisdom"))
        let missing = try automatic.plan(for: Problem(rows: 4096, cols: 4096), steps: 50, context: context).plan
        #expect(missing.source == .estimate && missing.reason.contains("diffuse tune --size 4096x4096 --iterations 50"))
        var only = PlanResolver(mode: .wisdom, store: folder.store, build: build)
        #expect(try only.plan(for: .seed, steps: 500, context: context).plan.source == .wisdom)
        #expect(throws: PlanningError.self) { try only.plan(for: Problem(rows: 4096, cols: 4096), steps: 50, context: context) }
        var estimate = PlanResolver(mode: .estimate, store: folder.store, build: build)
        #expect(try estimate.plan(for: .seed, steps: 500, context: context).plan.source == .estimate)
        // An explicit --threads overrides the stored count.
        let three = try automatic.plan(for: .seed, steps: 500, context: ExecutionContext(threads: 3, machine: machine)).plan
        #expect(three.parameters.threads == 3)
    }

    @Test("concurrent writers under the lock keep every entry; the file is always whole")
    func concurrentWriters() async throws {
        let folder = try WisdomFolder()
        let store = folder.store
        let sizes = (0 ..< 12).map { 8 << $0 }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for size in sizes {
                group.addTask {
                    try store.record([entry(Problem(rows: size, cols: 3), "simd", threads: 1)])
                    // A reader in the middle of the writes sees a whole file.
                    #expect(store.read().warning == nil)
                }
            }
            try await group.waitForAll()
        }
        let reading = store.read()
        #expect(reading.warning == nil)
        #expect(reading.wisdom.entries.count == sizes.count)
        #expect(folder.files == ["wisdom.json", "wisdom.json.lock"])
    }

    @Test("tune measures the workloads and records one entry each, marked as measured")
    func tune() throws {
        let folder = try WisdomFolder()
        let tuner = Tuner(store: folder.store, secondsPerWorkload: 0.05, build: build)
        let problems = [Problem(rows: 24, cols: 40, initial: .gaussian(width: 4)),
                        Problem(rows: 24, cols: 40, boundary: .fixed(1), initial: .gaussian(width: 4), precision: .float)]
        let report = try tuner.tune(problems, steps: 8, context: ExecutionContext(machine: machine))
        #expect(report.results.count == 2)
        let wisdom = folder.store.read().wisdom
        #expect(wisdom.entries.count == 2)
        for problem in problems {
            let plan = try #require(wisdom.plan(for: WorkloadClass(problem), on: fingerprint))
            #expect(ScheduleRegistry.names.contains(plan.schedule))
        }
    }
}
