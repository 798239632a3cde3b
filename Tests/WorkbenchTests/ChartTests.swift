import Foundation
import Testing
@testable import Workbench

@Suite("SVG charts")
struct ChartTests {
    @Test("log axis over less than three decades: ticks at 1, 2 and 5 × 10ᵏ, bounds rounded out to round numbers")
    func logTicksNarrow() {
        let sweep = AxisScale.log(covering: [64, 2048], from: 0, to: 100)
        #expect(sweep.lower == 50 && sweep.upper == 3000)
        #expect(sweep.ticks.map { $0.rounded() } == [50, 100, 200, 500, 1000, 2000])
        let scale = AxisScale.log(covering: [0.0217, 0.853], from: 0, to: 100)
        #expect(scale.lower == 0.02 && scale.upper == 1)
        #expect(scale.ticks.map { ($0 * 1e6).rounded() / 1e6 } == [0.02, 0.05, 0.1, 0.2, 0.5, 1])
    }

    @Test("log axis over three decades or more: powers of ten only; over eight, every second or more")
    func logTicksWide() {
        let scale = AxisScale.log(covering: [1.2e-4, 9], from: 0, to: 100)
        #expect(scale.lower == 1e-4 && scale.upper == 10)
        #expect(scale.ticks.map { log10($0).rounded() } == [-4, -3, -2, -1, 0, 1])
        let huge = AxisScale.log(covering: [1, 1e12], from: 0, to: 100)
        #expect(huge.ticks.map { log10($0).rounded() } == [0, 2, 4, 6, 8, 10, 12])
    }

    @Test("log positions: a decade takes the same length wherever it is; 0 and negatives sit at the start")
    func logPositions() {
        let scale = AxisScale(kind: .log, lower: 1e-3, upper: 1, from: 100, to: 400)
        #expect(abs(scale.position(1e-3) - 100) < 1e-9 && abs(scale.position(1e-2) - 200) < 1e-9)
        #expect(abs(scale.position(1) - 400) < 1e-9 && abs(scale.position(sqrt(10) * 1e-2) - 250) < 1e-9)
        #expect(scale.position(0) == 100 && scale.position(-5) == 100)
    }

    @Test("linear axis: a 1-2-5 step, bounds on multiples of it, zero included on request; a y axis runs downwards")
    func linearTicks() {
        let scale = AxisScale.linear(covering: [2.1e9, 9.43e9], from: 300, to: 20, includingZero: true)
        #expect(scale.lower == 0 && scale.upper == 1e10)
        #expect(scale.ticks == [0, 2e9, 4e9, 6e9, 8e9, 1e10])
        #expect(scale.position(0) == 300 && scale.position(1e10) == 20)
        let tiny = AxisScale.linear(covering: [-3.1e-16, 2.2e-16], from: 0, to: 1)
        #expect(tiny.ticks.count >= 3 && tiny.ticks.contains(0))
        let flat = AxisScale.linear(covering: [0, 0], from: 0, to: 1)
        #expect(flat.lower == 0 && flat.upper == 1)
    }

    @Test("text is escaped for XML: markup in data cannot open a tag or end an attribute")
    func escaping() {
        #expect(XML.escape(#"<a href="x">Tom & Jerry's</a>"#) == "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;")
        var canvas = SVGCanvas(width: 10, height: 10, label: "a \"quoted\" <label>", className: "c")
        canvas.text("<script>alert(1)</script>", x: 0, y: 0)
        canvas.rect(x: 0, y: 0, width: 1, height: 1, className: "x\" onload=\"evil()", tooltip: "1 < 2")
        let markup = canvas.markup
        #expect(!markup.contains("<script>") && !markup.contains("\" onload=\""))
        #expect(markup.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && markup.contains("aria-label=\"a &quot;quoted&quot; &lt;label&gt;\""))
    }

    @Test("a bar chart has one <rect class=\"bar\"> per entry, in the order given, each as long as its value")
    func barChart() throws {
        let names = ["temporal", "parallel", "C <OpenMP>", "simd", "nested"]
        let values = [0.0217, 0.0255, 0.0401, 0.0489, 0.853]
        let chart = BarChart(
            bars: zip(names, values).map { BarChart.Bar(label: $0, value: $1, colour: Palette.blue, marker: $1 * 1.2, annotation: "\($1)", detail: "lesson of \($0)") },
            valueTitle: "best time (log scale)", format: { formatSeconds($0) }, legend: [LegendItem("schedule", colour: Palette.blue)],
            label: "Wrap Up")
        let svg = chart.svg(width: 1000)
        let bars = svg.matches(of: /<rect class="bar" x="([0-9.]+)" y="([0-9.]+)" width="([0-9.]+)"[^>]*data-label="([^"]+)"/)
        #expect(bars.map { String($0.4) } == ["temporal", "parallel", "C &lt;OpenMP&gt;", "simd", "nested"])
        let ys = bars.map { Double($0.2)! }, widths = bars.map { Double($0.3)! }
        #expect(ys == ys.sorted() && Set(ys).count == 5)  // top to bottom, one row each
        #expect(widths == widths.sorted() && widths[0] > 0)  // longer time, longer bar
        // On a log axis equal ratios are equal lengths.
        let scale = AxisScale.log(covering: values + values.map { $0 * 1.2 }, from: BarChart.labelWidth, to: 1000 - BarChart.annotationWidth)
        #expect(abs(widths[4] - (scale.position(0.853) - BarChart.labelWidth)) < 0.01)
        #expect(svg.components(separatedBy: "class=\"marker\"").count - 1 == 5)
        #expect(svg.contains(">lesson of nested<"))
    }

    @Test("a line chart draws one polyline per series and one shaded rect per band inside the axis range")
    func lineChart() {
        let chart = LineChart(
            x: .init(kind: .log, title: "side", format: { "\($0)" }),
            y: .init(kind: .linear, title: "updates/s", includingZero: true, format: { "\($0)" }),
            series: [.init(name: "fused", points: [(64, 3e9), (256, 2.9e9), (1024, 1e9)], colour: Palette.blue),
                     .init(name: "simd", points: [(64, 5e9), (256, 4.9e9), (1024, 1.5e9)], colour: Palette.vermillion)],
            bands: [.init(lower: 0, upper: 100, label: "fits L1d", fill: "#fff"), .init(lower: 100, upper: 256, label: "fits L2", fill: "#eee"),
                    .init(lower: 256, upper: .infinity, label: "DRAM", fill: "#ddd"), .init(lower: 5000, upper: 9000, label: "off the axis", fill: "#ccc")],
            label: "sweep")
        let svg = chart.svg()
        #expect(svg.components(separatedBy: "class=\"series\"").count - 1 == 2)
        #expect(svg.matches(of: /class="band"[^>]*data-label="([^"]+)"/).map { String($0.1) } == ["fits L1d", "fits L2", "DRAM"])
        #expect(svg.contains(">fused<") && svg.contains(">simd<"))
    }

    @Test("a roofline: diagonal bandwidth roofs capped by the flat roof, a point per entry")
    func roofline() {
        let chart = RooflineChart(
            roofs: [.init(name: "DRAM", shape: .bandwidth(bytesPerSecond: 30e9), colour: Palette.vermillion),
                    .init(name: "in-cache", shape: .flat(rate: 9e9), colour: Palette.reddishPurple)],
            points: [.init(name: "fused", intensity: 1.0 / 16, rate: 2.7e9, colour: Palette.blue),
                     .init(name: "simd", intensity: 1.0 / 16, rate: 4.2e9, colour: Palette.blue)],
            intensityTitle: "updates/B", rateTitle: "updates/s", intensityFormat: { "\($0)" }, rateFormat: { "\($0)" }, label: "roofline")
        let svg = chart.svg()
        #expect(svg.components(separatedBy: "class=\"roof\"").count - 1 == 2)
        #expect(svg.components(separatedBy: "class=\"point\"").count - 1 == 2)
        // The DRAM roof ends where it meets the flat roof: 9e9 / 30e9 = 0.3 updates per byte.
        let roof = svg.firstMatch(of: /<polyline class="roof" points="([0-9.]+),([0-9.]+) ([0-9.]+),([0-9.]+)"/)!
        let flat = svg.firstMatch(of: /<line class="roof" x1="[0-9.]+" y1="([0-9.]+)"/)!
        #expect(abs(Double(roof.4)! - Double(flat.1)!) < 0.01)
    }

    @Test("the colour bar spans viridis from its first colour to its last, ticks within the range")
    func colourBar() {
        let colours: [(red: UInt8, green: UInt8, blue: UInt8)] = [(68, 1, 84), (33, 145, 140), (253, 231, 37)]
        let bar = ColourBar(colours: colours, low: 0, high: 0.005, title: "u", id: "g1", format: { "\($0)" })
        #expect(bar.stops.count == 17 && bar.stops.first!.colour == "#440154" && bar.stops.last!.colour == "#fde725")
        let svg = bar.svg()
        #expect(svg.contains("id=\"g1\"") && svg.contains("fill=\"url(#g1)\""))
        let labels = svg.matches(of: /class="tick-label"[^>]*>([^<]+)</).map { Double($0.1)! }
        #expect(labels.first == 0 && labels.last == 0.005 && labels.count >= 3)
    }

    @Test("tick labels drop needless zeros and keep the unit")
    func tickLabels() {
        #expect(tickLabel("1.00 ms") == "1 ms" && tickLabel("2.50 G") == "2.5 G" && tickLabel("500 µs") == "500 µs")
        #expect(tickLabel("1/16.0") == "1/16" && tickLabel("10.0") == "10" && tickLabel("0.0500") == "0.05")
    }

    @Test("the palette: Okabe–Ito, every series colour distinct")
    func palette() {
        #expect(Set(Palette.series).count == Palette.series.count && Palette.series.count == 7)
        #expect(Palette.colour(7) == Palette.colour(0) && Palette.colour(-1) == Palette.colour(6))
    }
}
