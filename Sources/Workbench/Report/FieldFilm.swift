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
public struct FieldFilm: Sendable, Codable {
    public struct Frame: Sendable, Codable {
        public var step: Int
        /// The heat map, a PNG file.
        public var png: [UInt8]
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
        var frames: [Frame] = [], drift: [DriftSample] = []
        for step in frameSteps.union(driftSteps).sorted() {
            try simulation.advance(steps: step - simulation.step)
            if frameSteps.contains(step) {
                let shown = factor == 1 ? simulation.grid.converted(to: Double.self) : blockAverage(simulation.grid, factor)
                frames.append(Frame(step: step, png: PNGFile.encode(shown, scale: scale)))
            }
            if driftSteps.contains(step) {
                drift.append(DriftSample(step: step, relativeDrift: FieldSummary(simulation.grid, dx: problem.dx).relativeDrift(from: initial)))
            }
        }
        return FieldFilm(
            schedule: schedule.descriptor.name, rows: problem.rows, cols: problem.cols, iterations: iterations,
            cellsPerPixel: factor, scale: scale, frames: frames, drift: drift, steppingSeconds: simulation.steppingSeconds)
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
