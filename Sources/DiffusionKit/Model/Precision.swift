/// The floating-point precision of a run.
///
/// `double` (IEEE 754 binary64) is the default and what NumPy computes in;
/// `float` (binary32) halves the memory traffic at the price of about seven
/// significant digits.
public enum Precision: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    case double
    case float

    /// Bytes per grid cell.
    public var byteWidth: Int {
        switch self {
        case .double: 8
        case .float: 4
        }
    }

    /// NumPy's dtype string for this precision in little-endian byte order.
    public var numpyDescriptor: String {
        switch self {
        case .double: "<f8"
        case .float: "<f4"
        }
    }

    /// The unit round-off: half the distance from 1 to the next larger value.
    public var unitRoundoff: Double {
        switch self {
        case .double: Double.ulpOfOne / 2
        case .float: Double(Float.ulpOfOne) / 2
        }
    }

    public var description: String { rawValue }

    /// Parses `double` or `float` (also `f64`/`float64` and `f32`/`float32`).
    public init(parsing text: String) throws(DiffusionError) {
        switch text.lowercased() {
        case "double", "f64", "float64": self = .double
        case "float", "single", "f32", "float32": self = .float
        default: throw .invalidPrecision(text)
        }
    }
}
