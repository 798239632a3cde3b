import ArgumentParser
import DiffusionKit

/// `diffuse run --animate FILE.apng`: the `--every` snapshots as one animated PNG.
///
/// The colour scale is fixed from the first frame (step 0) and a fixed
/// boundary's value: by the discrete maximum principle a stable run never
/// leaves that range (`ColourScale.init(forRunFrom:boundary:)`), so one scale
/// fits every frame and a colour means one value throughout.
struct RunAnimation {
    let path: String
    let problem: Problem
    private var animation: AnimatedPNG?

    init(path: String, problem: Problem) {
        self.path = path
        self.problem = problem
    }

    /// Checks `--animate`'s file name, and that it comes with `--every`.
    static func validate(_ path: String?, every: Int?) throws {
        guard let path else { return }
        let lowered = path.lowercased()
        guard lowered.hasSuffix(".apng") || lowered.hasSuffix(".png") else {
            throw ValidationError("--animate \(path): expected a file name ending in .apng or .png")
        }
        guard every != nil else { throw ValidationError("--animate needs --every K (a frame every K steps)") }
    }

    /// Adds `grid` as the next frame; the first fixes the colour scale.
    mutating func add<Scalar: DiffusionScalar>(_ grid: Grid<Scalar>) throws {
        if animation == nil {
            animation = AnimatedPNG(rows: grid.rows, cols: grid.cols,
                                    scale: ColourScale(forRunFrom: grid, boundary: problem.boundary))
        }
        try animation!.append(grid)
    }

    /// Writes the file atomically and returns its path.
    func write() throws -> String {
        guard let animation else { throw CommandFailure("--animate \(path): no frame was taken") }
        try animation.write(to: path)
        return path
    }
}
