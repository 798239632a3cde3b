import DiffuseTestSupport
import DiffusionKit
import Foundation
import PerfKit
import Testing
@testable import Workbench

@Suite("diffuse report's roofline, from the bench's measured roofs")
struct ReportRooflineTests {
    @Test("the chart has a bandwidth roof per measured level, the compute roof, and a point per placed entry at its bound's intensity")
    func chartFromRoofs() throws {
        let bench = ReportFixture.bench
        let workload = try #require(bench.workloads.first)
        let chart = RooflineSection.chart(try #require(bench.roofs), workload)
        #expect(chart.roofs.map { $0.name.split(separator: " ")[0] } == ["L1", "L2", "L3", "memory", "compute"])
        let placed = workload.results.filter { $0.roof != nil }
        #expect(!placed.isEmpty && chart.points.count == placed.count)
        for (point, entry) in zip(chart.points, placed) {
            let roof = try #require(entry.roof)
            let level = try #require(RooflineSection.intensityLevel(roof))
            if roof.bound != .compute { #expect(level == roof.bound) }
            #expect(point.intensity == 1 / roof.traffic.bytes[level.rawValue]!)
            #expect(point.rate == entry.updatesPerSecond)
            #expect(point.name.hasPrefix(entry.variant))
        }
    }

    @Test("the section names the bounds and draws the roofline chart; without roofs it says why there is none")
    func section() throws {
        let content = try ReportFixture.content()
        let html = RooflineSection.html(content)
        #expect(html.contains("roofline-chart"))
        for bound in Set(content.bench.workloads[0].results.compactMap { $0.roof?.bound.rawValue }) {
            #expect(html.contains(bound))
        }
        var bare = content
        bare.bench.roofs = nil
        #expect(RooflineSection.html(bare).contains("--no-roofline"))
    }

    @Test("a fast-forwarding schedule (spectral) gets no roof; a stepping one does")
    func spectralHasNoRoof() {
        let workload = BenchWorkload(problem: Problem(rows: 256, cols: 256), iterations: 1_000_000)
        func result(_ name: String) -> BenchResult {
            var result = BenchResult(variant: name, kind: .swift, seedCounterpart: "", lesson: "", threads: 2)
            result.status = .verified
            result.verified = true
            result.bestSeconds = 0.01
            result.updatesPerSecond = workload.updates / 0.01
            return result
        }
        let report = BenchReport(machine: ReportFixture.machine, date: "2026-11-29T12:00:00Z",
                                 workloads: [BenchWorkloadResults(workload: workload, referenceSeconds: 0.01,
                                                                  results: [result("spectral"), result("simd"), result("auto")])])
        // auto for a million steps chooses spectral where FFTW is installed
        // (without it, a stepping schedule, which gets a roof as simd does).
        let auto = AutoSchedule()
        let autoFastForwards = auto.choice(for: Problem(rows: 256, cols: 256), steps: workload.iterations, context: ExecutionContext(threads: 2, machine: TestMachines.zen4))
            is any FastForwardingSchedule
        let applied = report.applying(roofs: ReportFixture.roofs, schedules: [SpectralSchedule(), SIMDSchedule(), auto],
                                      machine: ReportFixture.description, threads: 2)
        let results = applied.workloads[0].results
        #expect(results[0].roof == nil && results[0].ceilingFraction == nil)
        #expect(results[1].roof != nil && results[1].ceilingKind == results[1].roof?.bound)
        #expect((results[2].roof == nil) == autoFastForwards)
    }
}
