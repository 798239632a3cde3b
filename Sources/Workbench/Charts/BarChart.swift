/// A horizontal bar chart: one row per entry, top to bottom in the given
/// order, each bar from the left end of the value axis to its value.
///
/// Every row has its label left of the bar, an optional marker on it (a
/// second value, e.g. the median as a vertical tick), an annotation right of
/// its end and an optional detail line under it. Each bar is a
/// `<rect class="bar">` carrying `data-label`, so tests and scripts find the
/// entries in order.
public struct BarChart: Sendable {
    public struct Bar: Sendable {
        public var label: String
        public var value: Double
        public var colour: String
        /// A second value marked on the bar (nil: none).
        public var marker: Double?
        /// Text right of the bar's end, e.g. "21.7 ms · 39×".
        public var annotation: String
        /// A line of smaller text under the bar, e.g. the lesson.
        public var detail: String?
        /// The hover text.
        public var tooltip: String?

        public init(label: String, value: Double, colour: String, marker: Double? = nil, annotation: String = "",
                    detail: String? = nil, tooltip: String? = nil) {
            self.label = label
            self.value = value
            self.colour = colour
            self.marker = marker
            self.annotation = annotation
            self.detail = detail
            self.tooltip = tooltip
        }
    }

    public var bars: [Bar]
    public var scaleKind: AxisScale.Kind
    /// The value axis's title, with its unit: "best time per run (log scale)".
    public var valueTitle: String
    public var format: @Sendable (Double) -> String
    public var legend: [LegendItem]
    public var label: String
    public var className: String

    public init(bars: [Bar], scaleKind: AxisScale.Kind = .log, valueTitle: String, format: @escaping @Sendable (Double) -> String,
                legend: [LegendItem] = [], label: String, className: String = "bar-chart") {
        self.bars = bars
        self.scaleKind = scaleKind
        self.valueTitle = valueTitle
        self.format = format
        self.legend = legend
        self.label = label
        self.className = className
    }

    // Layout, in viewBox units.
    static let labelWidth = 210.0
    static let annotationWidth = 150.0
    static let legendHeight = 34.0
    static let axisHeight = 56.0

    func rowHeight() -> Double { bars.contains { $0.detail != nil } ? 48 : 30 }

    public func svg(width: Double = 1120) -> String {
        let row = rowHeight()
        let top = legend.isEmpty ? 10 : Self.legendHeight
        let height = top + row * Double(max(bars.count, 1)) + Self.axisHeight
        var canvas = SVGCanvas(width: width, height: height, label: label, className: className)
        let left = Self.labelWidth, right = width - Self.annotationWidth
        let values = bars.map(\.value) + bars.compactMap(\.marker)
        let scale = scaleKind == .log
            ? AxisScale.log(covering: values, from: left, to: right)
            : AxisScale.linear(covering: values, from: left, to: right, includingZero: true)
        let bottom = top + row * Double(bars.count)
        if !legend.isEmpty { canvas.legend(legend, x: left, y: 18) }
        canvas.bottomAxis(scale, y: bottom + 4, top: top, title: valueTitle, format: format)
        let barHeight = 20.0
        for (index, bar) in bars.enumerated() {
            let y = top + row * Double(index) + 6
            let end = max(left, min(right, scale.position(bar.value)))
            canvas.text(SVGCanvas.fitted(bar.label, maxWidth: left - 16, size: 13.5, bold: true), x: left - 10, y: y + 15, anchor: .end,
                        size: 13.5, weight: "600", fill: Palette.ink, className: "bar-label")
            canvas.rect(x: left, y: y, width: end - left, height: barHeight, fill: bar.colour, className: "bar",
                        tooltip: bar.tooltip, extra: [("data-label", bar.label), ("data-value", "\(bar.value)"), ("rx", "2")])
            if let marker = bar.marker, marker > 0 || scaleKind == .linear {
                let x = max(left, min(right, scale.position(marker)))
                canvas.line(x1: x, y1: y - 3, x2: x, y2: y + barHeight + 3, stroke: Palette.ink, width: 2.5, className: "marker")
            }
            if !bar.annotation.isEmpty {
                let x = max(end, bar.marker.map { max(left, min(right, scale.position($0))) } ?? end) + 8
                canvas.text(bar.annotation, x: x, y: y + 15, size: 13, fill: Palette.ink, className: "bar-annotation")
            }
            if let detail = bar.detail {
                canvas.text(SVGCanvas.fitted(detail, maxWidth: width - left - 10, size: 11.5), x: left, y: y + barHeight + 15,
                            size: 11.5, fill: Palette.muted, className: "bar-detail")
            }
        }
        return canvas.markup
    }
}
