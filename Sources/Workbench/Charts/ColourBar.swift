/// A horizontal colour bar: the colour map as a gradient from `low` to
/// `high`, with ticks in the field's units under it.
public struct ColourBar: Sendable {
    public var colours: [(red: UInt8, green: UInt8, blue: UInt8)]
    public var low: Double
    public var high: Double
    public var title: String
    public var format: @Sendable (Double) -> String
    /// The gradient's id, unique within the page.
    public var id: String

    public init(colours: [(red: UInt8, green: UInt8, blue: UInt8)], low: Double, high: Double, title: String, id: String,
                format: @escaping @Sendable (Double) -> String) {
        self.colours = colours
        self.low = low
        self.high = high
        self.title = title
        self.id = id
        self.format = format
    }

    /// The gradient's stops: 17 colours evenly spread over the map (its ends included).
    var stops: [(offset: Double, colour: String)] {
        guard colours.count > 1 else { return colours.map { (0, hex($0)) } }
        return (0 ... 16).map { k in
            let index = Int((Double(k) / 16 * Double(colours.count - 1)).rounded())
            return (Double(k) / 16, hex(colours[index]))
        }
    }

    public func svg(width: Double = 560) -> String {
        let height = 78.0
        var canvas = SVGCanvas(width: width, height: height, label: "colour bar: \(title)", className: "colour-bar")
        let (left, right) = (16.0, width - 16)
        canvas.append("<defs><linearGradient id=\"\(XML.escape(id))\" x1=\"0\" x2=\"1\" y1=\"0\" y2=\"0\">"
            + stops.map { "<stop offset=\"\(svgNumber($0.offset))\" stop-color=\"\($0.colour)\"/>" }.joined()
            + "</linearGradient></defs>")
        canvas.rect(x: left, y: 6, width: right - left, height: 18, fill: "url(#\(id))", className: "gradient")
        let scale = AxisScale(kind: .linear, lower: low, upper: high, from: left, to: right)
        var ticks = AxisScale.linear(covering: [low, high], from: left, to: right).ticks.filter { $0 >= low - 1e-12 * abs(high - low) && $0 <= high + 1e-12 * abs(high - low) }
        if ticks.count < 2 { ticks = [low, high] }
        for tick in ticks {
            let x = scale.position(tick)
            canvas.line(x1: x, y1: 24, x2: x, y2: 30, stroke: Palette.muted, width: 1, className: "tick")
            canvas.text(format(tick), x: x, y: 44, anchor: x < left + 20 ? .start : x > right - 20 ? .end : .middle,
                        size: 12, fill: Palette.muted, className: "tick-label")
        }
        canvas.text(title, x: width / 2, y: 68, anchor: .middle, size: 13, fill: Palette.ink, className: "axis-title")
        return canvas.markup
    }

    private func hex(_ colour: (red: UInt8, green: UInt8, blue: UInt8)) -> String {
        "#" + [colour.red, colour.green, colour.blue].map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }
}
