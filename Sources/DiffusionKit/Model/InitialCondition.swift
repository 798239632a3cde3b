#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The field at step 0.
///
/// - `block`: the seed's. The value 0.005 on rows `int(0.4·rows) ..< int(0.5·rows)`
///   and columns `int(0.4·cols) ..< int(0.5·cols)`, 0 elsewhere. The bounds are
///   computed exactly as Python's `int(n * .4)`: the product rounded in binary64,
///   then truncated. On grids smaller than 10 cells a side the block can be
///   empty (for 3 × 3, `int(1.2) ..< int(1.5)` is `1 ..< 1`).
/// - `gaussian(width:)`: `exp(−((i − ci)² + (j − cj)²) / (2σ²))` with the centre
///   (ci, cj) = ((rows − 1)/2, (cols − 1)/2) and σ = `width` cells; peak 1.
///   Without a width, σ = max(1, min(rows, cols) / 10).
/// - `point`: 1 in cell (rows / 2, cols / 2), 0 elsewhere.
/// - `file(path)`: a two-dimensional `.npy` file of float64 or float32; its
///   shape sets the grid.
public enum InitialCondition: Sendable, Hashable {
    case block
    case gaussian(width: Double?)
    case point
    case file(path: String)

    /// The value of the seed's block.
    public static let blockValue = 0.005

    /// The names users type, for help texts and errors.
    public static let accepted = "block, gaussian, gaussian=WIDTH, point or file:PATH"

    /// Parses `block`, `gaussian`, `gaussian=WIDTH`, `point` or `file:PATH`.
    public init(parsing text: String) throws(DiffusionError) {
        if text.hasPrefix("file:") {
            let path = String(text.dropFirst("file:".count))
            guard !path.isEmpty else { throw .unknownInitialCondition(text) }
            self = .file(path: path)
            return
        }
        switch text.lowercased() {
        case "block": self = .block
        case "gaussian": self = .gaussian(width: nil)
        case "point": self = .point
        default:
            let lowered = text.lowercased()
            if lowered.hasPrefix("gaussian=") {
                let widthText = String(text.dropFirst("gaussian=".count))
                guard let width = Double(widthText), width.isFinite, width > 0 else {
                    throw .invalidWidth(widthText)
                }
                self = .gaussian(width: width)
                return
            }
            throw .unknownInitialCondition(text)
        }
    }

    /// The rows of the seed's block: `int(0.4·rows) ..< int(0.5·rows)`.
    public static func blockRange(_ extent: Int) -> Range<Int> {
        // Python's int(n * .4): a binary64 product, truncated toward zero.
        let low = Int(Double(extent) * 0.4)
        let high = Int(Double(extent) * 0.5)
        return low ..< max(low, high)
    }

    /// The Gaussian's width in cells for a grid, when none was given.
    public static func defaultGaussianWidth(rows: Int, cols: Int) -> Double {
        max(1, Double(min(rows, cols)) / 10)
    }

    /// Fills `grid` with the analytic initial condition; `file` is read elsewhere
    /// (`Problem.makeInitialGrid`), since its shape comes from the file.
    func fill<Scalar: DiffusionScalar>(_ grid: inout Grid<Scalar>) {
        let rows = grid.rows, cols = grid.cols
        switch self {
        case .block:
            let value = Scalar(Self.blockValue)
            for i in Self.blockRange(rows) {
                for j in Self.blockRange(cols) { grid[i, j] = value }
            }
        case .gaussian(let width):
            let sigma = width ?? Self.defaultGaussianWidth(rows: rows, cols: cols)
            let ci = Double(rows - 1) / 2, cj = Double(cols - 1) / 2
            let denominator = 2 * sigma * sigma
            for i in 0 ..< rows {
                let di = Double(i) - ci
                for j in 0 ..< cols {
                    let dj = Double(j) - cj
                    grid[i, j] = Scalar(exp(-(di * di + dj * dj) / denominator))
                }
            }
        case .point:
            grid[rows / 2, cols / 2] = 1
        case .file:
            preconditionFailure("file initial conditions are loaded by Problem.makeInitialGrid")
        }
    }
}

extension InitialCondition: CustomStringConvertible {
    /// The canonical spelling, which `init(parsing:)` reads back.
    public var description: String {
        switch self {
        case .block: "block"
        case .gaussian(nil): "gaussian"
        case .gaussian(let width?): "gaussian=\(width)"
        case .point: "point"
        case .file(let path): "file:\(path)"
        }
    }
}
