import Foundation

// Numbers as people read them in reports: three significant digits and a unit.

/// A duration in seconds with three significant digits and a fitting unit: "1.23 ms".
public func formatSeconds(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "–" }
    let magnitude = abs(seconds)
    let (value, unit): (Double, String) =
        magnitude >= 1 || magnitude == 0 ? (seconds, "s")
        : magnitude >= 1e-3 ? (seconds * 1e3, "ms")
        : magnitude >= 1e-6 ? (seconds * 1e6, "µs")
        : (seconds * 1e9, "ns")
    return "\(significant(value, 3)) \(unit)"
}

/// A rate with an SI prefix: "1.66 G".
public func formatRate(_ perSecond: Double) -> String {
    guard perSecond.isFinite else { return "–" }
    let prefixes: [(Double, String)] = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]
    for (scale, prefix) in prefixes where abs(perSecond) >= scale {
        return "\(significant(perSecond / scale, 3)) \(prefix)"
    }
    return significant(perSecond, 3)
}

/// `value` with `digits` significant digits, without exponent for ordinary magnitudes.
public func significant(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
    if value == 0 { return "0" }
    let exponent = Int(floor(log10(abs(value))))
    if exponent < -4 || exponent >= 15 { return String(format: "%.\(digits - 1)e", value) }
    let decimals = max(0, digits - 1 - exponent)
    return String(format: "%.\(decimals)f", value)
}

/// A general number for summaries: up to 6 significant digits, exponent form when tiny or huge.
public func formatNumber(_ value: Double) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
    return String(format: "%.6g", value)
}

/// Bytes in binary units: "32 MiB", "1 MiB", "48 KiB".
public func formatBytes(_ bytes: Int) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024, unit < units.count - 1 {
        value /= 1024
        unit += 1
    }
    return "\(significant(value, 3)) \(units[unit])"
}

/// An error or tolerance in exponent form: "1.7e-18", "0".
public func formatError(_ value: Double) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : "inf" }
    return value == 0 ? "0" : String(format: "%.2g", value)
}

/// Encodes `value` as pretty-printed JSON with sorted keys, ending in a newline.
public func jsonText(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
}
