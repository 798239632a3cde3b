import DiffuseTestSupport
import Testing
import PerfKit

@Suite struct MemoryTests {
    @Test func parsesProcStatus() throws {
        let status = "Name:\tswift\nVmPeak:\t  300000 kB\nVmHWM:\t    2048 kB\nVmRSS:\t    1652 kB\nThreads:\t1\n"
        let snapshot = try MemoryUsage.parseStatus(status)
        #expect(snapshot == MemorySnapshot(residentBytes: 1652 * 1024, peakResidentBytes: 2048 * 1024))
        #expect(throws: (any Error).self) { try MemoryUsage.parseStatus("Name:\tswift\n") }
    }

    @Test func memitLine() {
        let report = MemoryReport(baselineBytes: 47_688_581, peakBytes: 47_824_896, peakWasReset: true)
        #expect(report.summary == "peak memory: 45.61 MiB, increment: 0.13 MiB")
        #expect(MemoryReport(baselineBytes: 10, peakBytes: 5, peakWasReset: false).incrementBytes == 0)
        #expect(MemoryReport(baselineBytes: 10, peakBytes: 5, peakWasReset: false).summary.contains("clear_refs"))
    }

    #if os(Linux)
    @Test func peakAndFaultsAroundABlock() throws {
        let pages = 8_192  // 32 MiB of 4 KiB pages
        let (_, report) = try MemoryUsage.measure { touchFreshPages(pages) }
        #expect(report.minorFaults >= pages)
        if report.peakWasReset {
            #expect(report.incrementBytes >= 16 << 20, "increment \(report.incrementBytes) bytes after 32 MiB touched")
        }
        #expect(report.peakBytes >= report.baselineBytes)
        let now = try MemoryUsage.current()
        #expect(now.residentBytes > 0 && now.peakResidentBytes >= now.residentBytes)
    }
    #endif
}
