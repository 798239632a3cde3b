import DiffuseTestSupport
import Testing
@testable import PerfKit

@Suite struct RegionTests {
    @Test func nestingAndPercentages() {
        let profiler = RegionProfiler()
        for _ in 0..<3 {
            profiler.measure("evolve") {
                profiler.measure("laplacian") { spin(cpuMilliseconds: 1) }
                profiler.measure("update") { spin(cpuMilliseconds: 0.5) }
            }
            profiler.measure("swap") {}
        }
        let report = profiler.report()
        #expect(report.rows.map(\.path) == [["evolve"], ["evolve", "laplacian"], ["evolve", "update"], ["swap"]])
        #expect(report.rows.map(\.depth) == [0, 1, 1, 0])
        #expect(report.rows.map(\.hits) == [3, 3, 3, 3])
        let topLevel = report.rows.filter { $0.depth == 0 }
        #expect(abs(topLevel.reduce(0) { $0 + $1.percentOfTotal } - 100) < 1e-9)
        #expect(abs(topLevel.reduce(0) { $0 + $1.totalSeconds } - report.totalSeconds) < 1e-12)
        let evolve = report.rows[0]
        let children = report.rows[1].totalSeconds + report.rows[2].totalSeconds
        #expect(evolve.totalSeconds >= children)
        #expect(abs(evolve.selfSeconds - (evolve.totalSeconds - children)) < 1e-9)
        #expect(report.rows[1].totalSeconds > 0)
    }

    @Test func disabledAndOptionalProfilersStillRunTheBody() throws {
        let off = RegionProfiler(enabled: false)
        var ran = 0
        off.measure("x") { ran += 1 }
        #expect(ran == 1 && off.report().rows.isEmpty)

        let none: RegionProfiler? = nil
        let value = none.measure("y") { () -> Int in ran += 1; return 7 }
        #expect(value == 7 && ran == 2)

        let some: RegionProfiler? = RegionProfiler()
        some.measure("z") { ran += 1 }
        #expect(some?.report().rows.first?.hits == 1)

        struct Failure: Error {}
        let profiler = RegionProfiler()
        #expect(throws: Failure.self) { try profiler.measure("fails") { throw Failure() } }
        #expect(profiler.report().rows.first?.hits == 1)
        profiler.measure("after") {}
        #expect(profiler.report().rows.map(\.depth) == [0, 0])
    }

    @Test func lineProfilerLayout() {
        let report = RegionReport(totalSeconds: 1.77353, rows: [
            .init(name: "evolve", path: ["evolve"], hits: 500, totalSeconds: 1.771810, selfSeconds: 0.2,
                  percentOfTotal: 99.9),
            .init(name: "laplacian", path: ["evolve", "laplacian"], hits: 500, totalSeconds: 1.5, selfSeconds: 1.5,
                  percentOfTotal: 84.6),
            .init(name: "swap", path: ["swap"], hits: 500, totalSeconds: 0.000914, selfSeconds: 0.000914,
                  percentOfTotal: 0.1),
        ])
        let lines = report.render().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "Timer unit: 1e-06 s")
        #expect(lines[1] == "")
        #expect(lines[2] == "Total time: 1.77353 s")
        #expect(lines[3] == "")
        #expect(lines[4] == "     Hits         Time  Per Hit   % Time  Region")
        #expect(lines[5] == String(repeating: "=", count: lines[4].count))
        #expect(lines[6] == "      500      1771810   3543.6     99.9  evolve")
        #expect(lines[7] == "      500      1500000   3000.0     84.6    laplacian")
        #expect(lines[8] == "      500          914      1.8      0.1  swap")
    }

    @Test func mergeAndJSONKeys() throws {
        let a = RegionReport(totalSeconds: 1, rows: [.init(name: "r", path: ["r"], hits: 1, totalSeconds: 1,
                                                          selfSeconds: 1, percentOfTotal: 100)])
        let b = RegionReport(totalSeconds: 3, rows: [.init(name: "r", path: ["r"], hits: 2, totalSeconds: 2,
                                                          selfSeconds: 2, percentOfTotal: 66.7),
                                                    .init(name: "s", path: ["s"], hits: 1, totalSeconds: 1,
                                                          selfSeconds: 1, percentOfTotal: 33.3)])
        let merged = RegionReport.merged([a, b])
        #expect(merged.totalSeconds == 4)
        #expect(merged.rows.map(\.hits) == [3, 1])
        #expect(merged.rows.map(\.percentOfTotal) == [75, 25])
        #expect(merged.rows[0].perHitSeconds == 1)
    }
}
