import Foundation

/// A roofline plot (Williams, Waterman & Patterson, CACM 2009), log–log:
/// attainable rate against operational intensity. A bandwidth roof is the
/// line rate = bandwidth × intensity (a diagonal); a compute or in-cache
/// roof is flat. Every roof is drawn up to the lowest flat roof, which caps
/// it. Points are measured rates at their intensity, labelled on the right
/// (labels pushed apart where points crowd).
public struct RooflineChart: Sendable {
    public struct Roof: Sendable {
        public enum Shape: Sendable {
            /// rate = bytesPerSecond × intensity.
            case bandwidth(bytesPerSecond: Double)
            /// rate = a constant.
            case flat(rate: Double)
        }

        public var name: String
        public var shape: Shape
        public var colour: String

        public init(name: String, shape: Shape, colour: String) {
            self.name = name
            self.shape = shape
            self.colour = colour
        }

        func rate(at intensity: Double) -> Double {
            switch shape {
            case .bandwidth(let bytes): bytes * intensity
            case .flat(let rate): rate
            }
        }
    }

    public struct Point: Sendable {
        public var name: String
        public var intensity: Double
        public var rate: Double
        public var colour: String
        public var tooltip: String?

        public init(name: String, intensity: Double, rate: Double, colour: String, tooltip: String? = nil) {
            self.name = name
            self.intensity = intensity
            self.rate = rate
            self.colour = colour
            self.tooltip = tooltip
        }
    }

    public var roofs: [Roof]
    public var points: [Point]
    public var intensityTitle: String
    public var rateTitle: String
    public var rateFormat: @Sendable (Double) -> String
    public var intensityFormat: @Sendable (Double) -> String
    /// Intensities to mark with a dashed vertical line and a caption.
    public var guides: [(intensity: Double, caption: String)]
    public var label: String
    public var height: Double

    public init(roofs: [Roof], points: [Point], intensityTitle: String, rateTitle: String,
                intensityFormat: @escaping @Sendable (Double) -> String, rateFormat: @escaping @Sendable (Double) -> String,
                guides: [(intensity: Double, caption: String)] = [], label: String, height: Double = 440) {
        self.roofs = roofs
        self.points = points
        self.intensityTitle = intensityTitle
        self.rateTitle = rateTitle
        self.intensityFormat = intensityFormat
        self.rateFormat = rateFormat
        self.guides = guides
        self.label = label
        self.height = height
    }

    public func svg(width: Double = 1120) -> String {
        var canvas = SVGCanvas(width: width, height: height, label: label, className: "roofline-chart")
        let (left, right, top, bottom) = (92.0, width - 230, 44.0, height - 62)
        let intensities = points.map(\.intensity) + guides.map(\.intensity)
        // From an octave-triple below the points to past the ridge points
        // (where a bandwidth roof meets the flat one).
        let flatRates = roofs.compactMap { roof -> Double? in if case .flat(let rate) = roof.shape { rate } else { nil } }
        let ridges = roofs.compactMap { roof -> Double? in
            if case .bandwidth(let bytes) = roof.shape, let cap = flatRates.min(), bytes > 0 { cap / bytes } else { nil }
        }
        let xLow = (intensities.min() ?? 0.0625) / 8
        let xHigh = max((intensities.max() ?? 0.0625) * 8, (ridges.max() ?? 0) * 2)
        let xScale = AxisScale.log(covering: [xLow, xHigh], from: left, to: right)
        let cap = roofs.compactMap { roof -> Double? in if case .flat(let rate) = roof.shape { rate } else { nil } }.min()
        var rates = points.map(\.rate)
        for roof in roofs {
            rates.append(min(roof.rate(at: xScale.lower), cap ?? .infinity))
            rates.append(min(roof.rate(at: xScale.upper), cap ?? .infinity))
        }
        let yScale = AxisScale.log(covering: rates.filter { $0 > 0 }, from: bottom, to: top)
        canvas.bottomAxis(xScale, y: bottom, top: top, title: intensityTitle, format: intensityFormat)
        canvas.leftAxis(yScale, x: left, right: right, title: rateTitle, format: rateFormat)
        for guide in guides {
            let x = xScale.position(guide.intensity)
            canvas.line(x1: x, y1: top, x2: x, y2: bottom, stroke: Palette.muted, width: 1.2, className: "guide", dashed: true)
            canvas.text(guide.caption, x: x - 6, y: bottom - 8, size: 11.5, fill: Palette.muted, className: "guide-label", rotate: -90, halo: true)
        }
        // The roofs, each capped by the lowest flat roof.
        var roofLabels: [(y: Double, text: String, colour: String)] = []
        for roof in roofs {
            switch roof.shape {
            case .bandwidth(let bytes):
                let endIntensity = cap.map { min(xScale.upper, $0 / bytes) } ?? xScale.upper
                let startIntensity = max(xScale.lower, yScale.lower / bytes)
                guard endIntensity > startIntensity else { continue }
                let start = (x: xScale.position(startIntensity), y: yScale.position(bytes * startIntensity))
                let end = (x: xScale.position(endIntensity), y: yScale.position(bytes * endIntensity))
                canvas.polyline([start, end], stroke: roof.colour, width: 3, className: "roof")
                // The caption runs along the line, near its left end.
                let angle = atan2(end.y - start.y, end.x - start.x) * 180 / .pi
                let along = 0.08
                canvas.text(roof.name, x: start.x + (end.x - start.x) * along, y: start.y + (end.y - start.y) * along - 8,
                            size: 12.5, weight: "600", fill: roof.colour, className: "roof-label", rotate: angle, halo: true)
            case .flat(let rate):
                let y = yScale.position(rate)
                canvas.line(x1: left, y1: y, x2: right, y2: y, stroke: roof.colour, width: 3, className: "roof")
                roofLabels.append((y, roof.name, roof.colour))
            }
        }
        for label in roofLabels {
            canvas.text(label.text, x: right + 8, y: label.y + 4, size: 12.5, weight: "600", fill: label.colour, className: "roof-label")
        }
        // Points, and their labels in a column, pushed apart to 15 units.
        let placed = points.map { (point: $0, x: xScale.position($0.intensity), y: yScale.position($0.rate)) }.sorted { $0.y < $1.y }
        var labelY: [Double] = []
        for item in placed {
            labelY.append(max(item.y + 4, (labelY.last ?? -.infinity) + 15))
        }
        for (item, y) in zip(placed, labelY) {
            let labelX = item.x + 60
            canvas.line(x1: item.x + 7, y1: item.y, x2: labelX - 4, y2: y - 4, stroke: Palette.grid, width: 1, className: "leader")
            canvas.circle(x: item.x, y: item.y, radius: 6, fill: item.point.colour, stroke: "#ffffff", className: "point",
                          tooltip: item.point.tooltip ?? item.point.name)
            canvas.text(item.point.name, x: labelX, y: y, size: 12, fill: Palette.ink, className: "point-label", halo: true)
        }
        return canvas.markup
    }
}
