/// An SVG document being drawn: a fixed coordinate system (the viewBox) that
/// the page scales to its width, and elements appended in painting order.
///
/// Every text and attribute value passes through `XML.escape`; the caller
/// never writes markup by hand.
public struct SVGCanvas {
    public let width: Double
    public let height: Double
    /// The chart's accessible name (`aria-label`) and its CSS class.
    public let label: String
    public let className: String
    private(set) var elements: [String] = []

    public init(width: Double, height: Double, label: String, className: String) {
        self.width = width
        self.height = height
        self.label = label
        self.className = className
    }

    /// The finished `<svg>` element. It carries a viewBox and no fixed size,
    /// so CSS (`width: 100%`) scales it to the column it sits in.
    public var markup: String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(svgNumber(width)) \(svgNumber(height))\""
            + " class=\"chart \(XML.escape(className))\" role=\"img\" aria-label=\"\(XML.escape(label))\">"
            + "<title>\(XML.escape(label))</title>"
            + elements.joined() + "</svg>"
    }

    /// Appends a raw element (only for the builders in this folder, which escape their input).
    mutating func append(_ element: String) { elements.append(element) }

    /// Attributes as ` name="value"`, escaped, skipping nil values.
    static func attributes(_ pairs: [(String, String?)]) -> String {
        pairs.compactMap { name, value in value.map { " \(name)=\"\(XML.escape($0))\"" } }.joined()
    }

    public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String? = nil,
                              className: String? = nil, tooltip: String? = nil, extra: [(String, String?)] = []) {
        let attributes = Self.attributes([
            ("class", className), ("x", svgNumber(x)), ("y", svgNumber(y)),
            ("width", svgNumber(max(0, width))), ("height", svgNumber(max(0, height))), ("fill", fill),
        ] + extra)
        if let tooltip {
            append("<rect\(attributes)><title>\(XML.escape(tooltip))</title></rect>")
        } else {
            append("<rect\(attributes)/>")
        }
    }

    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String? = nil,
                              width: Double? = nil, className: String? = nil, dashed: Bool = false) {
        append("<line" + Self.attributes([
            ("class", className), ("x1", svgNumber(x1)), ("y1", svgNumber(y1)), ("x2", svgNumber(x2)), ("y2", svgNumber(y2)),
            ("stroke", stroke), ("stroke-width", width.map(svgNumber)), ("stroke-dasharray", dashed ? "6 4" : nil),
        ]) + "/>")
    }

    /// A polyline through `points` (no fill).
    public mutating func polyline(_ points: [(x: Double, y: Double)], stroke: String, width: Double = 2,
                                  className: String? = nil, dashed: Bool = false) {
        let path = points.map { "\(svgNumber($0.x)),\(svgNumber($0.y))" }.joined(separator: " ")
        append("<polyline" + Self.attributes([
            ("class", className), ("points", path), ("fill", "none"), ("stroke", stroke),
            ("stroke-width", svgNumber(width)), ("stroke-linejoin", "round"), ("stroke-dasharray", dashed ? "6 4" : nil),
        ]) + "/>")
    }

    public mutating func circle(x: Double, y: Double, radius: Double, fill: String, stroke: String? = nil,
                                className: String? = nil, tooltip: String? = nil) {
        let attributes = Self.attributes([
            ("class", className), ("cx", svgNumber(x)), ("cy", svgNumber(y)), ("r", svgNumber(radius)),
            ("fill", fill), ("stroke", stroke), ("stroke-width", stroke == nil ? nil : "1.5"),
        ])
        append(tooltip.map { "<circle\(attributes)><title>\(XML.escape($0))</title></circle>" } ?? "<circle\(attributes)/>")
    }

    public enum Anchor: String { case start, middle, end }

    /// Text at (x, y), its baseline at y; `halo` outlines it in white.
    public mutating func text(_ content: String, x: Double, y: Double, anchor: Anchor = .start, size: Double = 13,
                              weight: String? = nil, fill: String? = nil, className: String? = nil, rotate: Double? = nil,
                              halo: Bool = false) {
        append("<text" + Self.attributes([
            ("class", className), ("x", svgNumber(x)), ("y", svgNumber(y)),
            ("text-anchor", anchor == .start ? nil : anchor.rawValue), ("font-size", svgNumber(size)),
            ("font-weight", weight), ("fill", fill),
            ("transform", rotate.map { "rotate(\(svgNumber($0)) \(svgNumber(x)) \(svgNumber(y)))" }),
            // A white outline painted under the glyphs keeps text readable over lines.
            ("paint-order", halo ? "stroke" : nil), ("stroke", halo ? "#ffffff" : nil), ("stroke-width", halo ? "3.5" : nil),
            ("stroke-linejoin", halo ? "round" : nil),
        ]) + ">\(XML.escape(content))</text>")
    }

    /// `text` cut to about `maxWidth` units, ending in "…" when cut (the
    /// width estimated at 0.56 em a character, generous for sans-serif; 0.64 em bold).
    public static func fitted(_ text: String, maxWidth: Double, size: Double, bold: Bool = false) -> String {
        let limit = max(1, Int(maxWidth / ((bold ? 0.64 : 0.56) * size)))
        guard text.count > limit else { return text }
        return String(text.prefix(limit - 1)).trimmingTrailingSpaces() + "…"
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
