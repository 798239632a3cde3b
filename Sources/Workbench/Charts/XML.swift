/// Text made safe for XML and HTML: inside elements and inside quoted attributes.
public enum XML {
    /// `text` with &, <, >, " and ' replaced by their entities, so it cannot
    /// open a tag, end an attribute or start an entity in SVG or HTML.
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}

/// A coordinate for SVG: at most two decimals, no trailing zeros ("12.5", "3", "-0.25").
func svgNumber(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    let rounded = (value * 100).rounded() / 100
    if rounded == rounded.rounded() { return String(Int(rounded)) }
    var text = String(format: "%.2f", rounded)
    while text.hasSuffix("0") { text.removeLast() }
    return text
}
