import DiffusionKit
import Foundation

/// The NumPy-computed fields in `Fixtures/` (made by `Scripts/make_fixtures.sh`).
enum Fixture {
    static func path(_ name: String) -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: "npy", subdirectory: "Fixtures") else {
            fatalError("fixture \(name).npy is missing from the test bundle")
        }
        return url.path
    }

    static func load<Scalar: DiffusionScalar>(_ name: String, as _: Scalar.Type = Double.self) throws -> Grid<Scalar> {
        try NPYFile.read(path: path(name), as: Scalar.self)
    }

    /// The workloads of the small fixtures, as `Scripts/make_fixtures.sh` states them.
    static let small: [(name: String, problem: Problem, steps: Int)] = [
        ("reflecting_17x23_60",
         Problem(rows: 17, cols: 23, dt: 0.2, boundary: .reflecting, initial: .gaussian(width: 3)), 60),
        ("fixed0.5_23x17_60",
         Problem(rows: 23, cols: 17, diffusivity: 0.7, dt: 0.3, dx: 1.1, boundary: .fixed(0.5), initial: .point), 60),
        ("periodic_5x3_30",
         Problem(rows: 5, cols: 3, dt: 0.25, boundary: .periodic, initial: .gaussian(width: 1)), 30),
    ]
}
