/// What a cell on the edge of the grid sees beyond it.
///
/// The five-point Laplacian of cell (i, j) reads its four neighbours
/// (i±1, j) and (i, j±1). On the edge one or two of them fall outside the
/// grid; the boundary rule says what value stands there:
///
/// | rule          | the missing neighbour is          | SciPy `ndimage` mode | mass           |
/// |---------------|-----------------------------------|----------------------|----------------|
/// | `periodic`    | the cell on the opposite edge     | `wrap`               | conserved      |
/// | `reflecting`  | the edge cell itself (zero flux)  | `nearest`            | conserved      |
/// | `fixed(V)`    | a ghost cell holding V            | `constant`, cval=V   | flows in or out|
///
/// `periodic` is the seed's (NumPy's `roll`). Under `periodic` and
/// `reflecting` the sum of all cells is invariant in exact arithmetic, since
/// every flux between two cells is counted once with each sign.
public enum Boundary: Sendable, Hashable {
    case periodic
    case reflecting
    case fixed(Double)

    /// The names users type, for help texts and errors.
    public static let accepted = "periodic, reflecting, fixed or fixed=V (V a number)"

    /// Parses `periodic`, `reflecting`, `fixed` (V = 0) or `fixed=V`.
    ///
    /// `V` must be a finite decimal or hexadecimal floating-point literal.
    public init(parsing text: String) throws(DiffusionError) {
        let lowered = text.lowercased()
        switch lowered {
        case "periodic", "wrap": self = .periodic
        case "reflecting", "reflect", "nearest", "neumann": self = .reflecting
        case "fixed", "dirichlet", "constant": self = .fixed(0)
        default:
            guard let equals = lowered.firstIndex(of: "="),
                  ["fixed", "dirichlet", "constant"].contains(String(lowered[..<equals]))
            else { throw .unknownBoundary(text) }
            let valueText = String(text[text.index(after: equals)...])
            guard let value = Double(valueText), value.isFinite else {
                throw .invalidFixedValue(valueText)
            }
            self = .fixed(value)
        }
    }

    /// The value held beyond the edge, for `fixed`; nil otherwise.
    public var fixedValue: Double? {
        if case .fixed(let value) = self { return value }
        return nil
    }

    /// True when the rule conserves the total mass of the field.
    public var conservesMass: Bool {
        if case .fixed = self { return false }
        return true
    }

    /// The name of the equivalent SciPy `ndimage` mode.
    public var scipyMode: String {
        switch self {
        case .periodic: "wrap"
        case .reflecting: "nearest"
        case .fixed: "constant"
        }
    }
}

extension Boundary: CustomStringConvertible {
    /// The canonical spelling, which `init(parsing:)` reads back.
    public var description: String {
        switch self {
        case .periodic: "periodic"
        case .reflecting: "reflecting"
        case .fixed(let value): "fixed=\(value)"
        }
    }
}

extension Boundary: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = try Boundary(parsing: text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
