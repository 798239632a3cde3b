/// Everything that can go wrong in DiffusionKit, each with a one-line
/// description that says what was wrong and what would be right.
public enum DiffusionError: Error, Sendable, Equatable {
    /// A grid size that is not `N` or `RxC` with positive whole numbers.
    case invalidSize(String)
    /// A side shorter than `Problem.minimumSide`.
    case gridTooSmall(rows: Int, cols: Int)
    /// More memory than the machine has (nil: beyond what an Int can count).
    case gridTooLarge(rows: Int, cols: Int, bytesNeeded: Int?, bytesAvailable: Int?)
    /// D, dt or dx not a positive finite number; iterations negative.
    case invalidParameter(name: String, value: Double)
    /// r = D·dt/dx² above the explicit-Euler limit.
    case unstable(coefficient: Double, limit: Double, largestStableDt: Double, diffusivity: Double, dx: Double)
    case invalidPrecision(String)
    case unknownBoundary(String)
    case invalidFixedValue(String)
    case unknownInitialCondition(String)
    case invalidWidth(String)
    /// A `file:` initial condition whose shape differs from the requested size.
    case shapeMismatch(path: String, fileRows: Int, fileCols: Int, rows: Int, cols: Int)
    /// A `.npy` file that cannot be used.
    case npy(path: String, reason: String)
    /// A file-system operation that failed.
    case io(path: String, reason: String)
    /// The field became NaN or infinite; `step` is the first step that produced it.
    case nonFinite(step: Int)
    case unknownSchedule(String, available: [String])
    /// A schedule that does not support a problem.
    case unsupported(schedule: String, reason: String)
    /// An allocation of `bytes` that the memory budget (`MemoryBudget`) or the system refused.
    case outOfMemory(bytes: Int, available: Int?)
    /// A checkpoint file that cannot be resumed from.
    case checkpoint(path: String, reason: String)
    /// The initial field holds NaN or infinite values (`count` of them, the first at `row`, `col`).
    case nonFiniteInput(path: String, count: Int, row: Int, col: Int)
}

extension DiffusionError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .invalidSize(let text):
            "invalid grid size '\(text)': expected N (an N×N grid) or RxC (rows×cols), whole numbers ≥ \(Problem.minimumSide), e.g. 640 or 333x517"
        case .gridTooSmall(let rows, let cols):
            "grid \(rows)×\(cols) is too small: each side must be at least \(Problem.minimumSide)"
        case .gridTooLarge(let rows, let cols, let needed?, let available?):
            "grid \(rows)×\(cols) needs \(formatBytes(needed)) but this machine has about \(formatBytes(available)) to spare: choose a smaller size"
        case .gridTooLarge(let rows, let cols, _, _):
            "grid \(rows)×\(cols) is too large to address: choose a smaller size"
        case .invalidParameter(let name, let value):
            "\(name) must be a positive finite number, got \(plain(value))"
        case .unstable(let r, let limit, let largestDt, let d, let dx):
            "unstable: D·dt/dx² = \(plain(r)) exceeds the explicit-Euler limit \(plain(limit)); the largest stable dt for D = \(plain(d)), dx = \(plain(dx)) is \(plain(largestDt))"
        case .invalidPrecision(let text):
            "unknown precision '\(text)': expected double or float"
        case .unknownBoundary(let text):
            "unknown boundary '\(text)': expected \(Boundary.accepted)"
        case .invalidFixedValue(let text):
            "fixed boundary value '\(text)' is not a finite number: expected fixed=V, e.g. fixed=0 or fixed=1.5"
        case .unknownInitialCondition(let text):
            "unknown initial condition '\(text)': expected \(InitialCondition.accepted)"
        case .invalidWidth(let text):
            "gaussian width '\(text)' is not a positive number of cells: expected e.g. gaussian=12.5"
        case .shapeMismatch(let path, let fileRows, let fileCols, let rows, let cols):
            "\(path) holds a \(fileRows)×\(fileCols) field but a \(rows)×\(cols) grid was asked for: leave out --size (the file sets the grid) or give the file's shape"
        case .npy(let path, let reason):
            "\(path): \(reason)"
        case .io(let path, let reason):
            "\(path): \(reason)"
        case .nonFinite(let step):
            "the field became NaN or infinite at step \(step): the run is unstable (D·dt/dx² above 1/4) or its values overflow"
        case .unknownSchedule(let name, let available):
            "unknown variant '\(name)': expected one of \(available.joined(separator: ", "))"
        case .unsupported(let schedule, let reason):
            "variant '\(schedule)' cannot run this problem: \(reason)"
        case .outOfMemory(let bytes, let available?):
            "cannot allocate \(formatBytes(bytes)): about \(formatBytes(available)) are available (physical memory, cgroup limit or ulimit -v): choose a smaller size"
        case .outOfMemory(let bytes, nil):
            "cannot allocate \(formatBytes(bytes)): the system refused the memory: choose a smaller size"
        case .checkpoint(let path, let reason):
            "\(path): \(reason)"
        case .nonFiniteInput(let path, let count, let row, let col):
            "\(path) holds \(count) non-finite value\(count == 1 ? "" : "s") (NaN or infinity; the first at row \(row), column \(col)): the initial field must be finite"
        }
    }
}

/// A number as users write it: `1` rather than `1.0`, otherwise the shortest
/// decimal that reads back to the same value.
func plain(_ value: Double) -> String {
    if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
    return value.description
}

/// Bytes in binary units with three significant digits: "3.12 MiB".
func formatBytes(_ bytes: Int) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024, unit < units.count - 1 {
        value /= 1024
        unit += 1
    }
    if unit == 0 { return "\(bytes) B" }
    let digits = value >= 100 ? 0 : value >= 10 ? 1 : 2
    return String(formatFixed(value, digits: digits)) + " " + units[unit]
}

/// `value` with `digits` digits after the point, without Foundation.
func formatFixed(_ value: Double, digits: Int) -> String {
    var scale = 1.0
    for _ in 0 ..< digits { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    let whole = Int(scaled / scale)
    var fraction = String(Int(scaled - Double(whole) * scale))
    while fraction.count < digits { fraction = "0" + fraction }
    let sign = value < 0 && scaled != 0 ? "-" : ""
    return digits == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
}
