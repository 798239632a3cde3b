import ArgumentParser
import DiffusionKit

/// The options that say what is computed, shared by every command that steps
/// a field (`run`, `bench`, `stat`, `profile`, …).
struct ModelOptions: ParsableArguments {
    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("Grid size: N for N×N, or RxC for rows×cols (each at least 3).",
                               discussion: "Default 640, or the shape of the --initial file.", valueName: "N|RxC"))
    var size: String?

    @Option(name: .long, parsing: .unconditional, help: "Diffusivity D, positive (default 1).", transform: number)
    var diffusivity: Double = 1

    @Option(name: .long, parsing: .unconditional, help: "Time step dt, positive; stable while D·dt/dx² ≤ 1/4 (default 0.1).", transform: number)
    var dt: Double = 0.1

    @Option(name: .long, parsing: .unconditional, help: "Grid spacing dx, positive (default 1).", transform: number)
    var dx: Double = 1

    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("Boundary: periodic, reflecting (zero flux) or fixed=V (ghost cells hold V; fixed means V = 0).",
                               valueName: "periodic|reflecting|fixed=V"))
    var boundary: String = "periodic"

    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("Initial field: block (the seed's), gaussian, point, or file:PATH (a 2D float64/float32 .npy file).",
                               valueName: "block|gaussian|point|file:PATH"))
    var initial: String = "block"

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Width σ of the gaussian initial field, in cells (default min(rows, cols)/10).", valueName: "cells"), transform: number)
    var width: Double?

    @Option(name: .long, help: ArgumentHelp("Floating-point precision.", valueName: "double|float"))
    var precision: String = "double"

    @Flag(name: .long, help: "Run even when D·dt/dx² exceeds the stability limit 1/4 (the field will blow up).")
    var allowUnstable = false

    /// The problem these options describe, checked (sizes, parameters, stability).
    func problem() throws -> Problem {
        var initialCondition = try InitialCondition(parsing: initial)
        if let width {
            guard case .gaussian = initialCondition else {
                throw UsageFailure("--width applies to the gaussian initial field only (got --initial \(initial))")
            }
            guard width.isFinite, width > 0 else { throw DiffusionError.invalidWidth(String(width)) }
            initialCondition = .gaussian(width: width)
        }
        var problem = Problem(
            diffusivity: diffusivity, dt: dt, dx: dx,
            boundary: try Boundary(parsing: boundary),
            initial: initialCondition,
            precision: try Precision(parsing: precision)
        )
        if case .file(let path) = initialCondition {
            // The file sets the grid; an explicit --size must agree with it.
            problem = try problem.adoptingShapeOfInitialFile()
            if let size {
                let (rows, cols) = try Self.parseSize(size)
                guard rows == problem.rows, cols == problem.cols else {
                    throw DiffusionError.shapeMismatch(path: path, fileRows: problem.rows, fileCols: problem.cols, rows: rows, cols: cols)
                }
            }
        } else {
            (problem.rows, problem.cols) = try Self.parseSize(size ?? "640")
        }
        try problem.validate(allowUnstable: allowUnstable)
        return problem
    }

    /// Parses `N` or `RxC` (also `R×C`), each side a whole number ≥ 3.
    static func parseSize(_ text: String) throws -> (rows: Int, cols: Int) {
        let parts = text.lowercased().split(separator: /x|×/, omittingEmptySubsequences: false)
        guard (1 ... 2).contains(parts.count) else { throw DiffusionError.invalidSize(text) }
        let sides = parts.map { Int($0.trimmingPrefix(/\+/)) }
        guard let rows = sides[0], let cols = sides.count == 2 ? sides[1] : sides[0] else {
            throw DiffusionError.invalidSize(text)
        }
        guard rows >= Problem.minimumSide, cols >= Problem.minimumSide else {
            throw DiffusionError.gridTooSmall(rows: rows, cols: cols)
        }
        return (rows, cols)
    }
}

/// Parses a decimal number for an option, with an error that says what is expected.
func number(_ text: String) throws -> Double {
    guard let value = Double(text) else { throw CommandFailure("expected a number, e.g. 0.1 or 2.5e-3") }
    return value
}
