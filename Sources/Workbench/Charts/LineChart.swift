/// A line chart: series of (x, y) points joined by lines, over shaded
/// vertical bands (e.g. where a working set leaves a cache).
public struct LineChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var colour: String
        public var dashed: Bool

        public init(name: String, points: [(x: Double, y: Double)], colour: String, dashed: Bool = false) {
            self.name = name
            self.points = points
            self.colour = colour
            self.dashed = dashed
        }
    }

    /// A shaded stretch of the x axis, labelled at its top.
    public struct Band: Sendable {
        public var lower: Double
        public var upper: Double
        public var label: String
        public var fill: String

        public init(lower: Double, upper: Double, label: String, fill: String) {
            self.lower = lower
            self.upper = upper
            self.label = label
            self.fill = fill
        }
    }

    public struct Axis: Sendable {
        public var kind: AxisScale.Kind
        public var title: String
        public var format: @Sendable (Double) -> String
        /// Linear axes only: stretch the domain to include 0.
        public var includingZero: Bool
        /// Values the domain must cover besides the data (e.g. ± the largest magnitude, for a symmetric axis).
        public var covering: [Double] = []

        public init(kind: AxisScale.Kind, title: String, includingZero: Bool = false, format: @escaping @Sendable (Double) -> String) {
            self.kind = kind
            self.title = title
            self.format = format
            self.includingZero = includingZero
        }
    }

    public var x: Axis
    public var y: Axis
    public var series: [Series]
    public var bands: [Band]
    public var label: String
    public var className: String
    public var height: Double
    /// Show a dot at every point (for sparse data).
    public var markers: Bool

    public init(x: Axis, y: Axis, series: [Series], bands: [Band] = [], label: String, className: String = "line-chart",
                height: Double = 380, markers: Bool = true) {
        self.x = x
        self.y = y
        self.series = series
        self.bands = bands
        self.label = label
        self.className = className
        self.height = height
        self.markers = markers
    }

    static let margin = (left: 92.0, right: 24.0, top: 44.0, bottom: 62.0)

    public func svg(width: Double = 1120) -> String {
        var canvas = SVGCanvas(width: width, height: height, label: label, className: className)
        let m = Self.margin
        let (left, right, top, bottom) = (m.left, width - m.right, m.top, height - m.bottom)
        let xs = series.flatMap { $0.points.map(\.x) } + x.covering, ys = series.flatMap { $0.points.map(\.y) } + y.covering
        let xScale = x.kind == .log ? AxisScale.log(covering: xs, from: left, to: right)
            : AxisScale.linear(covering: xs, from: left, to: right, includingZero: x.includingZero)
        let yScale = y.kind == .log ? AxisScale.log(covering: ys, from: bottom, to: top)
            : AxisScale.linear(covering: ys, from: bottom, to: top, includingZero: y.includingZero)
        for band in bands {
            let from = max(left, min(right, xScale.position(max(band.lower, xScale.lower))))
            let to = max(left, min(right, xScale.position(min(band.upper, xScale.upper))))
            guard to > from else { continue }
            canvas.rect(x: from, y: top, width: to - from, height: bottom - top, fill: band.fill, className: "band",
                        extra: [("data-label", band.label)])
            canvas.text(SVGCanvas.fitted(band.label, maxWidth: to - from - 8, size: 12), x: (from + to) / 2, y: top + 16,
                        anchor: .middle, size: 12, weight: "600", fill: Palette.muted, className: "band-label", halo: true)
        }
        canvas.bottomAxis(xScale, y: bottom, top: top, title: x.title, format: x.format)
        canvas.leftAxis(yScale, x: left, right: right, title: y.title, format: y.format)
        for item in series {
            let points = item.points.filter { $0.x.isFinite && $0.y.isFinite && (x.kind == .linear || $0.x > 0) && (y.kind == .linear || $0.y > 0) }
                .map { (x: xScale.position($0.x), y: yScale.position($0.y)) }
            canvas.polyline(points, stroke: item.colour, width: 2.5, className: "series", dashed: item.dashed)
            if markers {
                for point in points { canvas.circle(x: point.x, y: point.y, radius: 3.5, fill: item.colour, className: "point") }
            }
        }
        if series.count > 1 || !(series.first?.name.isEmpty ?? true) {
            canvas.legend(series.map { LegendItem($0.name, colour: $0.colour, mark: $0.dashed ? .dashed : .line) }, x: left, y: 22)
        }
        return canvas.markup
    }
}
