import Foundation
import DiffuseTestSupport
import Hardware
import Testing

@Suite("Machine description")
struct MachineDescriptionTests {
    static let zen3 = TestMachines.zen3

    @Test("round-trips through JSON with snake_case keys")
    func roundTrip() throws {
        let data = try JSONEncoder().encode(Self.zen3)
        let text = String(decoding: data, as: UTF8.self)
        for key in ["\"cpu_model\"", "\"cores\"", "\"vector_bytes\"", "\"size_bytes\"", "\"line_bytes\"", "\"shared_by\""] {
            #expect(text.contains(key), "\(key) in \(text)")
        }
        #expect(try JSONDecoder().decode(MachineDescription.self, from: data) == Self.zen3)
        #expect(try JSONDecoder().decode(MachineFile.self, from: data).machine == Self.zen3)
    }

    @Test("a minimal hand-written file: cores, caches and vector width only")
    func minimal() throws {
        let text = #"{"cores": 1, "caches": [{"level": 2, "size_bytes": 524288}, {"level": 3, "size_bytes": 8388608, "shared_by": 4}], "vector_bytes": 32}"#
        let machine = try JSONDecoder().decode(MachineFile.self, from: Data(text.utf8)).machine
        #expect(machine.cores == 1 && machine.vectorBytes == 32 && machine.cpuModel == nil)
        #expect(machine.caches.map(\.type) == [.unified, .unified])
        #expect(machine.level2BytesPerCore == 512 << 10)
        #expect(machine.lastLevelBytes == 8 << 20)
        // No L1 and no line stated: the documented fallbacks.
        #expect(machine.level1DataBytes == MachineDescription.Fallback.level1DataBytes)
        #expect(machine.lineBytes == MachineDescription.Fallback.lineBytes)
        let coresOnly = try JSONDecoder().decode(MachineDescription.self, from: Data(#"{"cores": 3}"#.utf8))
        #expect(coresOnly == MachineDescription(cores: 3, caches: [], vectorBytes: 16))
        #expect(coresOnly.level2BytesPerCore == MachineDescription.Fallback.level2BytesPerCore)
        #expect(coresOnly.lastLevelBytes == MachineDescription.Fallback.lastLevelBytes)
    }

    @Test("reads the machine out of `diffuse info --format json`'s object and ignores the rest")
    func infoObject() throws {
        // The shape `diffuse info --format json` prints (abridged): the
        // report's own fields, and the plan's machine under "machine".
        let text = #"""
            {"cpu_model": "AMD EPYC", "logical_cpus_online": 2, "logical_cpus_available": 2,
             "caches": [{"name": "L2", "level": 2, "type": "Unified", "size_bytes": 1048576, "shared_cpus": [0]}],
             "counters": {"cycles": "not supported"}, "target_cpu": "native",
             "machine": {"cpu_model": "AMD EPYC", "cores": 2, "vector_bytes": 64,
                         "caches": [{"level": 2, "type": "unified", "size_bytes": 1048576, "line_bytes": 64, "shared_by": 1}]}}
            """#
        let machine = try JSONDecoder().decode(MachineFile.self, from: Data(text.utf8)).machine
        #expect(machine == MachineDescription(cpuModel: "AMD EPYC", cores: 2,
                                              caches: [.init(level: 2, type: .unified, sizeBytes: 1 << 20, lineBytes: 64)],
                                              vectorBytes: 64))
    }

    @Test("refuses what no machine has: no cores, zero cores, an unknown cache type, a cache without size")
    func refusals() {
        for text in [#"{}"#, #"{"cores": 0}"#, #"{"cores": 2, "vector_bytes": 0}"#,
                     #"{"cores": 1, "caches": [{"level": 1, "type": "tape", "size_bytes": 1}]}"#,
                     #"{"cores": 1, "caches": [{"level": 2}]}"#, #"{"cores": 1, "caches": [{"level": 0, "size_bytes": 1}]}"#] {
            #expect(throws: DecodingError.self, "\(text)") {
                try JSONDecoder().decode(MachineFile.self, from: Data(text.utf8))
            }
        }
    }

    @Test("what plans read: a shared L2 is divided among its CPUs; the last level is the highest")
    func accessors() {
        #expect(Self.zen3.level2BytesPerCore == 512 << 10)
        #expect(Self.zen3.lastLevelBytes == 32 << 20)
        #expect(Self.zen3.level1DataBytes == 32 << 10 && Self.zen3.lineBytes == 64)
        let apple = MachineDescription(cores: 8, caches: [
            .init(level: 1, type: .data, sizeBytes: 128 << 10, lineBytes: 128),
            .init(level: 2, sizeBytes: 16 << 20, lineBytes: 128, sharedBy: 8),
        ])
        #expect(apple.level2BytesPerCore == 2 << 20)
        #expect(apple.lastLevelBytes == 16 << 20)
        #expect(apple.lineBytes == 128)
        // Values below 1 are taken as the least that makes sense.
        #expect(MachineDescription(cores: 0).cores == 1)
        #expect(MachineDescription.Cache(level: 2, sizeBytes: 1, sharedBy: 0).sharedBy == 1)
    }

    @Test("reading a machine whose sysfs describes no caches: the CPU's name, and the fallbacks to plan with")
    func readWithoutCaches() throws {
        // An explicit, empty sysfs tree and cpuinfo file, as some virtual
        // machines give; never the host's own files.
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hardware-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("cpu0"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let cpuinfo = root.appendingPathComponent("cpuinfo")
        try "processor\t: 0\nmodel name\t: Test CPU without caches\n".write(to: cpuinfo, atomically: true, encoding: .utf8)
        let machine = MachineDescription.read(sysfsCPURoot: root.path, cpuinfo: cpuinfo.path)
        #expect(machine.cpuModel == "Test CPU without caches")
        #if os(Linux)
        // (Darwin would fall back to its sysctl readings.)
        #expect(machine.caches.isEmpty)
        #expect(machine.level2BytesPerCore == MachineDescription.Fallback.level2BytesPerCore)
        #expect(machine.lastLevelBytes == MachineDescription.Fallback.lastLevelBytes)
        #endif
    }
}
