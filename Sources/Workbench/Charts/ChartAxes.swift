extension SVGCanvas {
    /// A horizontal axis along y = `y`: a vertical grid line from `top` at
    /// every tick, the tick labels below, and the title (with its unit) under them.
    mutating func bottomAxis(_ scale: AxisScale, y: Double, top: Double, title: String, format: (Double) -> String) {
        for tick in scale.ticks {
            let x = scale.position(tick)
            line(x1: x, y1: top, x2: x, y2: y, stroke: Palette.grid, width: 1, className: "grid")
            line(x1: x, y1: y, x2: x, y2: y + 5, stroke: Palette.muted, width: 1, className: "tick")
            text(format(tick), x: x, y: y + 19, anchor: .middle, size: 12, fill: Palette.muted, className: "tick-label")
        }
        line(x1: min(scale.from, scale.to), y1: y, x2: max(scale.from, scale.to), y2: y, stroke: Palette.muted, width: 1, className: "axis")
        text(title, x: (scale.from + scale.to) / 2, y: y + 40, anchor: .middle, size: 13, fill: Palette.ink, className: "axis-title")
    }

    /// A vertical axis along x = `x`: a horizontal grid line to `right` at
    /// every tick, the tick labels to the left, and the title, turned, beside them.
    mutating func leftAxis(_ scale: AxisScale, x: Double, right: Double, title: String, format: (Double) -> String) {
        for tick in scale.ticks {
            let y = scale.position(tick)
            line(x1: x, y1: y, x2: right, y2: y, stroke: Palette.grid, width: 1, className: "grid")
            line(x1: x - 5, y1: y, x2: x, y2: y, stroke: Palette.muted, width: 1, className: "tick")
            text(format(tick), x: x - 8, y: y + 4, anchor: .end, size: 12, fill: Palette.muted, className: "tick-label")
        }
        line(x1: x, y1: min(scale.from, scale.to), x2: x, y2: max(scale.from, scale.to), stroke: Palette.muted, width: 1, className: "axis")
        let middle = (scale.from + scale.to) / 2
        text(title, x: x - 62, y: middle, anchor: .middle, size: 13, fill: Palette.ink, className: "axis-title", rotate: -90)
    }

    /// A row of legend entries from (x, y): a swatch and a label each.
    mutating func legend(_ items: [LegendItem], x: Double, y: Double) {
        var cursor = x
        for item in items {
            switch item.mark {
            case .box: rect(x: cursor, y: y - 10, width: 14, height: 12, fill: item.colour, className: "legend-swatch")
            case .line: line(x1: cursor, y1: y - 4, x2: cursor + 18, y2: y - 4, stroke: item.colour, width: 3, className: "legend-swatch")
            case .dashed: line(x1: cursor, y1: y - 4, x2: cursor + 18, y2: y - 4, stroke: item.colour, width: 2, className: "legend-swatch", dashed: true)
            case .tick: line(x1: cursor + 7, y1: y - 12, x2: cursor + 7, y2: y + 2, stroke: item.colour, width: 2.5, className: "legend-swatch")
            case .dot: circle(x: cursor + 7, y: y - 4, radius: 5, fill: item.colour, className: "legend-swatch")
            }
            text(item.label, x: cursor + 24, y: y, size: 12.5, fill: Palette.ink, className: "legend-label")
            cursor += 24 + Double(item.label.count) * 6.8 + 24
        }
    }
}

/// One entry of a chart's legend.
public struct LegendItem: Sendable {
    public enum Mark: Sendable { case box, line, dashed, tick, dot }
    public var label: String
    public var colour: String
    public var mark: Mark

    public init(_ label: String, colour: String, mark: Mark = .box) {
        self.label = label
        self.colour = colour
        self.mark = mark
    }
}
