import DiffusionKit
import Foundation

/// One run of a workload recorded for people: heat maps at a few steps, all
/// on one colour scale, and the mass drift along the run.
///
/// The colour scale is fixed from the initial field (and a fixed boundary's
/// value) before stepping: by the discrete maximum principle a stable run
/// never leaves that range (`ColourScale(forRunFrom:boundary:)`), so every
/// frame shares it and the field's fading shows. Grids wider or taller than
/// `maxSide` are shown averaged over square blocks of cells, so the page stays small.
///
/// Where everything happens in a small part of the grid (the seed's block
/// fills a tenth of each side), the heat maps show only that part: the
/// smallest box holding every cell that is not drawn in the scale's bottom
/// colour in any frame, widened by a margin. Cells outside it have the bottom
/// colour in every frame, so the crop hides nothing a full map would show.
public struct FieldFilm: Sendable, Codable {
    public struct Frame: Sendable, Codable {
        public var step: Int
        /// The heat map, a PNG file.
        public var png: [UInt8]
    }

    /// A window onto the grid: rows `rows`, columns `cols`.
    public struct Crop: Sendable, Codable, Equatable {
        public var rows: Range<Int>
        public var cols: Range<Int>
    }

    /// Relative mass drift (mass − initial) / |initial| after `step` steps.
    public struct DriftSample: Sendable, Codable {
        public var step: Int
        public var relativeDrift: Double
    }

    public var schedule: String
    public var rows: Int
    public var cols: Int
    public var iterations: Int
    /// Cells averaged into one pixel along each side (1: one pixel per cell).
    public var cellsPerPixel: Int
    public var scale: ColourScale
    /// The cells the heat maps show, when cropped: rows and columns of the grid (half-open).
    public var crop: Crop?
    public var frames: [Frame]
    public var drift: [DriftSample]
    public var steppingSeconds: Double

    /// Steps `problem` `iterations` times with `schedule` from its initial field.
    ///
    /// - Parameters:
    ///   - frames: heat maps at steps round(k · iterations / (frames − 1)), k = 0 … frames − 1 (at least 2).
    ///   - driftSamples: how many times along the run the mass is summed (at least 1).
    /// - Throws: `DiffusionError` when the problem is invalid, unsupported by the schedule, or blows up.
    public static func record(problem: Problem, iterations: Int, schedule: any Schedule, frames: Int = 6,
                              driftSamples: Int = 100, threads: Int = 0, maxSide: Int = 640) throws -> FieldFilm {
        switch problem.precision {
        case .double: try record(problem, iterations, schedule, frames, driftSamples, threads, maxSide, Double.self)
        case .float: try record(problem, iterations, schedule, frames, driftSamples, threads, maxSide, Float.self)
        }
    }

    private static func record<Scalar: DiffusionScalar>(
        _ problem: Problem, _ iterations: Int, _ schedule: any Schedule, _ frameCount: Int, _ driftSamples: Int,
        _ threads: Int, _ maxSide: Int, _: Scalar.Type
    ) throws -> FieldFilm {
        var simulation = try Simulation<Scalar>(problem: problem, schedule: schedule, context: ExecutionContext(threads: threads))
        let scale = ColourScale(forRunFrom: simulation.grid, boundary: problem.boundary)
        let factor = max(1, (max(problem.rows, problem.cols) + maxSide - 1) / max(1, maxSide))
        let initial = FieldSummary(simulation.grid, dx: problem.dx)
        let frameSteps = Set((0 ..< max(2, frameCount)).map { k in
            Int((Double(k) * Double(iterations) / Double(max(2, frameCount) - 1)).rounded())
        })
        let driftSteps = Set((0 ... max(1, driftSamples)).map { k in
            Int((Double(k) * Double(iterations) / Double(max(1, driftSamples))).rounded())
        })
        var shown: [(step: Int, grid: Grid<Double>)] = [], drift: [DriftSample] = []
        for step in frameSteps.union(driftSteps).sorted() {
            try simulation.advance(steps: step - simulation.step)
            if frameSteps.contains(step) {
                shown.append((step, factor == 1 ? simulation.grid.converted(to: Double.self) : blockAverage(simulation.grid, factor)))
            }
            if driftSteps.contains(step) {
                drift.append(DriftSample(step: step, relativeDrift: FieldSummary(simulation.grid, dx: problem.dx).relativeDrift(from: initial)))
            }
        }
        let window = shown.first.flatMap { first in activeWindow(shown.map(\.grid), scale: scale, rows: first.grid.rows, cols: first.grid.cols) }
        let frames = shown.map { item in
            Frame(step: item.step, png: PNGFile.encode(window.map { cropped(item.grid, $0) } ?? item.grid, scale: scale))
        }
        let crop = window.map { Crop(rows: $0.rows.lowerBound * factor ..< min(problem.rows, $0.rows.upperBound * factor),
                                     cols: $0.cols.lowerBound * factor ..< min(problem.cols, $0.cols.upperBound * factor)) }
        return FieldFilm(
            schedule: schedule.descriptor.name, rows: problem.rows, cols: problem.cols, iterations: iterations,
            cellsPerPixel: factor, scale: scale, crop: crop, frames: frames, drift: drift, steppingSeconds: simulation.steppingSeconds)
    }

    /// The part of the grids worth showing, or nil for all of them.
    ///
    /// A cell is *visible* when its colour is not the scale's bottom one:
    /// (v − low) / (high − low) ≥ 0.5 / 255, or v is not finite. The window is
    /// the bounding box of the cells visible in any grid, widened by a margin
    /// of an eighth of its side (at least 4 cells) and clamped to the grid;
    /// nil when that box is empty or spans over 60 % of either side.
    static func activeWindow(_ grids: [Grid<Double>], scale: ColourScale, rows: Int, cols: Int) -> Crop? {
        var (top, bottom, left, right) = (Int.max, -1, Int.max, -1)
        let threshold = scale.low + (scale.high - scale.low) * 0.5 / 255
        for grid in grids {
            grid.withUnsafeBufferPointer { cells in
                for i in 0 ..< rows {
                    for j in 0 ..< cols {
                        let value = cells[i * cols + j]
                        guard !value.isFinite || value >= threshold else { continue }
                        (top, bottom, left, right) = (min(top, i), max(bottom, i), min(left, j), max(right, j))
                    }
                }
            }
        }
        guard bottom >= top, right >= left else { return nil }
        let (height, width) = (bottom - top + 1, right - left + 1)
        let margin = max(4, max(height, width) / 8)
        let window = Crop(rows: max(0, top - margin) ..< min(rows, bottom + 1 + margin),
                          cols: max(0, left - margin) ..< min(cols, right + 1 + margin))
        guard Double(window.rows.count) <= 0.6 * Double(rows), Double(window.cols.count) <= 0.6 * Double(cols) else { return nil }
        return window
    }

    /// The cells of `grid` inside `window`.
    static func cropped(_ grid: Grid<Double>, _ window: Crop) -> Grid<Double> {
        var values: [Double] = []
        values.reserveCapacity(window.rows.count * window.cols.count)
        for i in window.rows { for j in window.cols { values.append(grid[i, j]) } }
        return Grid(rows: window.rows.count, cols: window.cols.count, values: values)
    }

    /// The mean of each `factor` × `factor` block of cells (the last blocks
    /// of a side take what is left).
    static func blockAverage<Scalar: DiffusionScalar>(_ grid: Grid<Scalar>, _ factor: Int) -> Grid<Double> {
        let rows = (grid.rows + factor - 1) / factor, cols = (grid.cols + factor - 1) / factor
        var sums = [Double](repeating: 0, count: rows * cols), counts = [Int](repeating: 0, count: rows * cols)
        grid.withUnsafeBufferPointer { cells in
            for i in 0 ..< grid.rows {
                for j in 0 ..< grid.cols {
                    let index = (i / factor) * cols + j / factor
                    sums[index] += Double(cells[i * grid.cols + j])
                    counts[index] += 1
                }
            }
        }
        return Grid(rows: rows, cols: cols, values: zip(sums, counts).map { $0 / Double($1) })
    }
}
