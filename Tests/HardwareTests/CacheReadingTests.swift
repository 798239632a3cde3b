import Foundation
@testable import Hardware
import Testing

/// The package's one sysfs reader, on fixture folders (never the host's).
@Suite("Cache reading")
struct CacheReadingTests {
    @Test("sysfs sizes: K, M and G are powers of 1024; anything else is refused")
    func sizes() throws {
        #expect(try CacheReading.parseSize("32K\n") == 32_768)
        #expect(try CacheReading.parseSize("1024K") == 1 << 20)
        #expect(try CacheReading.parseSize("2M") == 2 << 20)
        #expect(try CacheReading.parseSize("1G") == 1 << 30)
        #expect(try CacheReading.parseSize("512") == 512)
        for bad in ["big", "", "K", "12Q", "-3K"] {
            #expect(throws: CacheSizeError.self, "\(bad)") { try CacheReading.parseSize(bad) }
        }
    }

    @Test("CPU lists")
    func cpuLists() {
        #expect(CacheReading.parseCPUList("0-3,8,10-11\n") == [0, 1, 2, 3, 8, 10, 11])
        #expect(CacheReading.parseCPUList("") == [])
        #expect(CacheReading.parseCPUList("3-1,x,5") == [5])
    }

    /// A two-CPU tree like a 512 KiB-L2 Zen 3 slice with SMT siblings
    /// exposed: private L1d/L1i, an L2 shared by the two siblings, one L3.
    func makeFixture() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hardware-sysfs-\(UUID().uuidString)")
        let caches: [(level: String, type: String, size: String, shared: String?)] = [
            ("1", "Data", "32K", nil), ("1", "Instruction", "32K", nil),
            ("2", "Unified", "512K", "0-1"), ("3", "Unified", "32768K", "0-1"),
        ]
        for cpu in 0 ..< 2 {
            for (index, cache) in caches.enumerated() {
                let folder = root.appendingPathComponent("cpu\(cpu)/cache/index\(index)")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                let files = ["level": cache.level, "type": cache.type, "size": cache.size, "ways_of_associativity": "8",
                             "coherency_line_size": "64", "shared_cpu_list": cache.shared ?? "\(cpu)"]
                for (name, value) in files {
                    try (value + "\n").write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
                }
            }
        }
        // An empty index folder (some virtual machines publish them) and a
        // non-CPU folder: both ignored.
        try FileManager.default.createDirectory(at: root.appendingPathComponent("cpu2/cache/index0"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("cpufreq"), withIntermediateDirectories: true)
        try "model name\t: Test CPU 3000\n".write(to: root.appendingPathComponent("cpuinfo"), atomically: true, encoding: .utf8)
        return root
    }

    @Test("a fixture tree: folded per kind, with sharing and instances")
    func fixture() throws {
        let root = try makeFixture()
        defer { try? FileManager.default.removeItem(at: root) }
        let readings = try CacheReading.scan(root: root.path)
        #expect(readings.map(\.type) == ["Data", "Instruction", "Unified", "Unified"])
        #expect(readings.map(\.sizeBytes) == [32 << 10, 32 << 10, 512 << 10, 32 << 20])
        #expect(readings.map(\.instances) == [2, 2, 1, 1])
        #expect(readings.map(\.sharedCPUs) == [[0], [0], [0, 1], [0, 1]])
        #expect(readings.map(\.ways) == [8, 8, 8, 8])
        #expect(readings.map(\.planCache.sharedBy) == [1, 1, 2, 2])

        let machine = MachineDescription.read(sysfsCPURoot: root.path, cpuinfo: root.appendingPathComponent("cpuinfo").path)
        #expect(machine.cpuModel == "Test CPU 3000")
        #expect(machine.caches.map(\.type) == [.data, .instruction, .unified, .unified])
        // The L2 is shared by two logical CPUs: each can count on half.
        #expect(machine.level2BytesPerCore == 256 << 10)
        #expect(machine.lastLevelBytes == 32 << 20)
        #expect(machine.lineBytes == 64)
        #expect(throws: SystemError.self) { try CacheReading.scan(root: root.path + "/missing") }
    }

    @Test("CPU names from /proc/cpuinfo on x86 and Arm")
    func cpuModels() {
        #expect(MachineDescription.parseCPUModel("processor\t: 0\nmodel name\t: AMD EPYC 9B14\nflags\t\t: fpu\n") == "AMD EPYC 9B14")
        #expect(MachineDescription.parseCPUModel("processor\t: 0\nModel\t: Raspberry Pi 4 Model B Rev 1.4\n") == "Raspberry Pi 4 Model B Rev 1.4")
        #expect(MachineDescription.parseCPUModel("nothing here") == nil)
    }
}
