import DiffusionKit
import Foundation
import PerfKit
import Testing
@testable import Workbench

@Suite("diffuse report's page")
struct ReportPageTests {
    @Test("every section, every entry named, a bar per ranked entry in ranked order, failed and skipped listed not drawn")
    func content() throws {
        let html = ReportPage.html(try ReportFixture.content())
        for id in ["wrap-up", "sweep", "roofline", "field", "machine"] { #expect(html.contains("<section id=\"\(id)\">")) }
        for chart in ["wrap-up-chart", "sweep-chart", "roofline-chart", "colour-bar", "drift-chart"] {
            #expect(html.contains("class=\"chart \(chart)\""), "no \(chart)")
        }
        let bars = html.matches(of: /<rect class="bar"[^>]*data-label="([^"]+)"/).map { String($0.1) }
        #expect(bars == ReportFixture.rankedNames.map(XML.escape))
        let unranked = try #require(html.firstMatch(of: /<div class="unranked">.*?<\/div>/.dotMatchesNewlines()))
        #expect(unranked.0.contains("FAILED</span> <strong>roll-add</strong>") && unranked.0.contains("skipped</span> <strong>Numba</strong> (peer)"))
        #expect(unranked.0.contains("exceeds the gate"))
        // Escaped everywhere: the peer's and the CPU's names hold markup characters.
        #expect(!html.contains("<2 threads>") && !html.contains("<64 cores>") && html.contains("&lt;64 cores&gt;"))
        // Five heat maps of the 48² field, inline PNGs that decode, on one scale.
        let uris = html.matches(of: /<figure class="frame[^"]*"><img class="heatmap[^"]*" src="data:image\/png;base64,([A-Za-z0-9+\/=]+)"/).map { String($0.1) }
        #expect(uris.count == 5)
        for uri in uris {
            let image = try PNGImage(decoding: [UInt8](try #require(Data(base64Encoded: uri))))
            #expect(image.width == 48 && image.height == 48)
        }
        // The headline names the fastest and its speedup; the machine and the commands are there.
        #expect(html.contains("temporal, the fastest") && html.contains("39.3×"))
        #expect(html.contains("diffuse bench --size 48 --iterations 40 --variants temporal,parallel,simd,fused,in-place,nested,roll-add --peers --format json &gt; bench.json"))
        #expect(html.contains("diffuse run --size 48 --iterations 40 --variant fused --every 10 --animate field.apng"))
        #expect(html.contains("diffuse sweep --variant temporal --from 64 --to 2048 --steps-per-octave 2 --budget 0.05 --format json &gt; sweep-temporal.json"))
    }

    @Test("self-contained: no URL but SVG's namespace name, no external script, style or font; under 3 MB")
    func selfContained() throws {
        let html = ReportPage.html(try ReportFixture.content())
        let urls = Set(html.matches(of: /https?:\/\/[^"' )<]+/).map { String($0.0) })
        #expect(urls.isSubset(of: ["http://www.w3.org/2000/svg"]), "\(urls)")
        #expect(!html.contains("<link") && !html.contains("<script src") && !html.contains("@import") && !html.contains("@font-face"))
        #expect(html.utf8.count < 3_000_000)
    }

    @Test("the seed's 640² field, six frames: the page stays far under 3 MB")
    func seedSize() throws {
        var content = try ReportFixture.content()
        content.field = try FieldFilm.record(problem: .seed, iterations: 50, schedule: ScheduleRegistry.named("simd"), frames: 6, driftSamples: 10)
        let html = ReportPage.html(content)
        #expect(html.utf8.count < 1_000_000, "\(html.utf8.count) bytes")
    }

    @Test("the field: frames at evenly spaced steps, the drift sampled along the run, one scale from the initial field")
    func fieldFilm() throws {
        let problem = Problem(rows: 30, cols: 20, boundary: .fixed(0.01), initial: .gaussian(width: 3))
        let film = try FieldFilm.record(problem: problem, iterations: 45, schedule: ScheduleRegistry.named("fused"), frames: 4, driftSamples: 9)
        #expect(film.frames.map(\.step) == [0, 15, 30, 45])
        #expect(film.drift.map(\.step) == [0, 5, 10, 15, 20, 25, 30, 35, 40, 45])
        #expect(film.drift[0].relativeDrift == 0 && film.drift.last!.relativeDrift != 0)  // a fixed boundary lets mass flow
        let initial = try problem.makeInitialGrid(Double.self)
        #expect(film.scale.low == initial.withUnsafeBufferPointer { $0.min()! } && film.scale.high == initial.withUnsafeBufferPointer { $0.max()! })  // the boundary value 0.01 lies inside
        #expect(film.cellsPerPixel == 1)
        // A grid larger than maxSide is shown averaged over blocks.
        let large = try FieldFilm.record(problem: Problem(rows: 50, cols: 30), iterations: 2, schedule: ScheduleRegistry.named("fused"),
                                         frames: 2, driftSamples: 1, maxSide: 20)
        #expect(large.cellsPerPixel == 3)
        let image = try PNGImage(decoding: large.frames[0].png)
        #expect(image.width == 10 && image.height == 17)
    }

    @Test("the heat maps show only where the field is: every cell outside the window has the bottom colour in every frame")
    func cropWindow() throws {
        let problem = Problem(rows: 200, cols: 160)  // the block: rows 80 ..< 100, columns 64 ..< 80
        let film = try FieldFilm.record(problem: problem, iterations: 60, schedule: ScheduleRegistry.named("fused"), frames: 3, driftSamples: 1)
        let crop = try #require(film.crop)
        #expect(crop.rows.contains(80) && crop.rows.contains(99) && crop.cols.contains(64) && crop.cols.contains(79))
        #expect(crop.rows.count <= 120 && crop.cols.count <= 96)
        let threshold = film.scale.low + (film.scale.high - film.scale.low) * 0.5 / 255
        for frame in film.frames {
            let image = try PNGImage(decoding: frame.png)
            #expect(image.width == crop.cols.count && image.height == crop.rows.count)
            var field = try problem.makeInitialGrid(Double.self)
            try ReferenceSchedule().run(&field, steps: frame.step, problem: problem)
            var visibleOutside = 0
            for i in 0 ..< 200 {
                for j in 0 ..< 160 where !(crop.rows.contains(i) && crop.cols.contains(j)) && field[i, j] >= threshold {
                    visibleOutside += 1
                }
            }
            #expect(visibleOutside == 0, "step \(frame.step)")
        }
        // A field that fills the grid is shown whole.
        let spread = try FieldFilm.record(problem: Problem(rows: 40, cols: 40, initial: .gaussian(width: 12)), iterations: 5,
                                          schedule: ScheduleRegistry.named("fused"), frames: 2, driftSamples: 1)
        #expect(spread.crop == nil)
    }

    @Test("block averages: each pixel the mean of its block, the last blocks take what is left")
    func blockAverage() {
        let grid = Grid<Double>(rows: 3, cols: 5, values: (0 ..< 15).map(Double.init))
        let averaged = FieldFilm.blockAverage(grid, 2)
        #expect(averaged.rows == 2 && averaged.cols == 3)
        #expect(averaged[0, 0] == (0 + 1 + 5 + 6) / 4 && averaged[0, 2] == (4 + 9) / 2 && averaged[1, 2] == 14)
    }

    @Test("workload options round-trip: the command line of a workload gives the workload back")
    func modelOptions() throws {
        let problem = Problem(rows: 33, cols: 51, diffusivity: 0.5, dt: 0.2, boundary: .fixed(1), initial: .gaussian(width: 4), precision: .float)
        let workload = BenchWorkload(problem: problem, iterations: 70)
        #expect(ReproductionCommands.modelOptions(workload) == [
            "--size", "33x51", "--iterations", "70", "--boundary", "fixed=1.0", "--initial", "gaussian=4.0", "--precision", "float",
            "--diffusivity", "0.5", "--dt", "0.2",
        ])
        #expect(try workload.problem() == problem)
        #expect(ReproductionCommands.quoted("it's") == #"'it'\''s'"# && ReproductionCommands.quoted("a,b") == "a,b")
    }
}
