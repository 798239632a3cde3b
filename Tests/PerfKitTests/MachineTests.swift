import Foundation
import SystemPackage
import Testing
@testable import PerfKit

@Suite struct CacheFitTests {
    @Test func seedArithmetic() throws {
        // The seed: sqrt(20480 KB / 64 bit / 2) = 1131, with KB = 1000 bytes.
        #expect(CacheFit.largestSquareGrid(cacheBytes: 20_480_000) == 1131)
        // This machine's 32 MiB L3 (sysfs "32768K", K = 1024).
        #expect(CacheFit.largestSquareGrid(cacheBytes: try CacheFit.parseSysfsSize("32768K")) == 1448)
        #expect(CacheFit.largestSquareGrid(cacheBytes: 32 << 10) == 45)
        #expect(CacheFit.largestSquareGrid(cacheBytes: 20_480_000, bytesPerElement: 4, copies: 1) == 2262)
        #expect(CacheFit.largestSquareGrid(cacheBytes: 0) == 0)
        #expect(CacheFit.integerSquareRoot(Int.max) == 3_037_000_499)
        #expect(CacheFit.integerSquareRoot(1_280_000) == 1131)
        #expect(CacheFit.integerSquareRoot(1131 * 1131) == 1131)
        #expect(CacheFit.integerSquareRoot(1131 * 1131 - 1) == 1130)
    }

    @Test func sysfsSizes() throws {
        #expect(try CacheFit.parseSysfsSize("32K\n") == 32_768)
        #expect(try CacheFit.parseSysfsSize("1024K") == 1 << 20)
        #expect(try CacheFit.parseSysfsSize("2M") == 2 << 20)
        #expect(try CacheFit.parseSysfsSize("512") == 512)
        #expect(throws: CacheSizeError.self) { try CacheFit.parseSysfsSize("big") }
        #expect(throws: CacheSizeError.self) { try CacheFit.parseSysfsSize("") }
    }
}

@Suite struct MachineTests {
    /// Writes a two-CPU sysfs tree: private L1d/L1i/L2 per CPU, one shared L3.
    func makeFixture() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("perfkit-sysfs-\(UUID().uuidString)")
        let caches: [(String, String, String, String, String)] = [
            // level, type, size, ways, shared (for cpu N: "N" means private)
            ("1", "Data", "32K", "8", "private"),
            ("1", "Instruction", "32K", "8", "private"),
            ("2", "Unified", "1024K", "8", "private"),
            ("3", "Unified", "32768K", "16", "0-1"),
        ]
        for cpu in 0..<2 {
            for (index, cache) in caches.enumerated() {
                let folder = root.appendingPathComponent("cpu\(cpu)/cache/index\(index)")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                let files = ["level": cache.0, "type": cache.1, "size": cache.2, "ways_of_associativity": cache.3,
                             "coherency_line_size": "64", "shared_cpu_list": cache.4 == "private" ? "\(cpu)" : cache.4]
                for (name, value) in files {
                    try (value + "\n").write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
                }
            }
        }
        // Things a real /sys/devices/system/cpu also holds, to be ignored.
        try FileManager.default.createDirectory(at: root.appendingPathComponent("cpufreq"), withIntermediateDirectories: true)
        try "0-1\n".write(to: root.appendingPathComponent("online"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("cpu2/cache/index0"),
                                                withIntermediateDirectories: true)  // empty: skipped
        return root
    }

    @Test func parsesSysfsFixture() throws {
        let root = try makeFixture()
        defer { try? FileManager.default.removeItem(at: root) }
        let caches = try CacheInfo.scan(root: FilePath(root.path))
        #expect(caches.map(\.name) == ["L1d", "L1i", "L2", "L3"])
        #expect(caches.map(\.sizeBytes) == [32 << 10, 32 << 10, 1 << 20, 32 << 20])
        #expect(caches.map(\.instances) == [2, 2, 2, 1])
        #expect(caches.map(\.lineSizeBytes) == [64, 64, 64, 64])
        #expect(caches[3].sharedCPUs == [0, 1])
        #expect(caches[3].ways == 16)
        #expect(caches[0].sharedCPUs == [0])
        #expect(caches[3].largestSquareGrid == 1448)
        #expect(caches[3].description.contains("shared by CPUs 0-1"))
        #expect(caches[0].description.contains("private to each CPU (2 instances)"))

        let machine = Machine.current(probeCounters: false, sysfsCPURoot: FilePath(root.path))
        #expect(machine.caches == caches)
        #expect(throws: Errno.self) { try CacheInfo.scan(root: FilePath(root.path + "/missing")) }
    }

    @Test func cpuListsAndModels() {
        #expect(CacheInfo.parseCPUList("0-3,8,10-11\n") == [0, 1, 2, 3, 8, 10, 11])
        #expect(CacheInfo.parseCPUList("") == [])
        #expect(CacheInfo.formatCPUList([0, 1, 2, 5, 7, 8]) == "0-2,5,7-8")
        let x86 = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 9B14\nflags\t\t: fpu\n"
        #expect(Machine.parseCPUModel(x86) == "AMD EPYC 9B14")
        #expect(Machine.parseCPUModel("processor\t: 0\nModel\t: Raspberry Pi 4 Model B Rev 1.4\n")
            == "Raspberry Pi 4 Model B Rev 1.4")
        #expect(Machine.parseCPUModel("nothing here") == nil)
    }

    @Test func thisMachine() throws {
        // The caches and the CPU's name from fixtures, not the host's files.
        let root = try makeFixture()
        defer { try? FileManager.default.removeItem(at: root) }
        let cpuinfo = root.appendingPathComponent("cpuinfo")
        try "processor\t: 0\nmodel name\t: Fixture CPU\n".write(to: cpuinfo, atomically: true, encoding: .utf8)
        let machine = Machine.current(sysfsCPURoot: FilePath(root.path), cpuinfo: FilePath(cpuinfo.path))
        #expect(machine.cpuModel == "Fixture CPU" && machine.caches.count == 4)
        #expect(machine.logicalCPUsOnline >= 1)
        #expect(machine.logicalCPUsAvailable >= 1)
        #expect((machine.memoryBytes ?? 1) > 0)
        #expect(machine.counters.count == PerfEvent.allCases.filter { $0.canonical == $0 }.count)
        #expect(machine.description.contains("Logical CPUs: "))
        #if DEBUG
        #expect(machine.buildConfiguration == "debug")
        #endif
        let json = try JSONEncoder().encode(machine)
        #expect(try JSONDecoder().decode(Machine.self, from: json) == machine)
    }
}
