import DiffusionKit
import Foundation
import Testing

/// The eigenvalue formulas of `SpectralEigenvalues`, checked against the
/// reference solver before anything is built on them: a product basis vector
/// of the boundary's transform, stepped by the reference, must come back
/// multiplied by λ(k, l) (and by λⁿ after n steps).
@Suite("spectral eigenvalues")
struct SpectralEigenvalueTests {
    static let shapes: [(Int, Int)] = [(5, 7), (9, 4), (3, 3), (4, 11)]
    static let boundaries: [Boundary] = [.periodic, .reflecting, .fixed(0), .fixed(0.75)]

    /// Basis vector (k, l) of `boundary`'s transform, on a rows × cols grid,
    /// plus V for fixed=V (the transform acts on w = u − V).
    static func basisVector(_ boundary: Boundary, rows: Int, cols: Int, k: Int, l: Int) -> Grid<Double> {
        var grid = Grid<Double>(rows: rows, cols: cols)
        let R = Double(rows), C = Double(cols)
        for i in 0 ..< rows {
            for j in 0 ..< cols {
                let x = Double(i), y = Double(j), kk = Double(k), ll = Double(l)
                switch boundary {
                case .periodic:
                    // The real part of the plane wave e^{2πi(ki/R + lj/C)}.
                    grid[i, j] = cos(2 * Double.pi * (kk * x / R + ll * y / C))
                case .reflecting:
                    grid[i, j] = cos(Double.pi * kk * (x + 0.5) / R) * cos(Double.pi * ll * (y + 0.5) / C)
                case .fixed(let v):
                    grid[i, j] = v + sin(Double.pi * (x + 1) * (kk + 1) / (R + 1)) * sin(Double.pi * (y + 1) * (ll + 1) / (C + 1))
                }
            }
        }
        return grid
    }

    @Test("one reference step multiplies each basis vector by λ(k, l)", arguments: shapes.indices, boundaries)
    func oneStep(shape: Int, boundary: Boundary) throws {
        let (rows, cols) = Self.shapes[shape]
        let problem = Problem(rows: rows, cols: cols, dt: 0.23, boundary: boundary)
        let eigenvalues = SpectralEigenvalues(problem: problem, precision: .double)
        #expect(eigenvalues.rowTerms.count == rows)
        #expect(eigenvalues.colTerms.count == (boundary == .periodic ? cols / 2 + 1 : cols))
        let v = boundary.fixedValue ?? 0
        for k in eigenvalues.rowTerms.indices {
            for l in eigenvalues.colTerms.indices {
                let start = Self.basisVector(boundary, rows: rows, cols: cols, k: k, l: l)
                var stepped = start
                try ReferenceSchedule().run(&stepped, steps: 1, problem: problem)
                let lambda = eigenvalues.eigenvalue(k, l)
                for i in 0 ..< rows {
                    for j in 0 ..< cols {
                        let expected = v + lambda * (start[i, j] - v)
                        #expect(abs(stepped[i, j] - expected) <= 1e-14, "\(boundary) \(rows)×\(cols) mode (\(k), \(l)) cell (\(i), \(j))")
                    }
                }
            }
        }
    }

    @Test("n reference steps multiply a basis vector by λⁿ, sign included (r > 1/8)", arguments: boundaries)
    func manySteps(boundary: Boundary) throws {
        // r = 0.24: the highest modes have λ < 0, so λⁿ alternates.
        let problem = Problem(rows: 9, cols: 4, dt: 0.24, boundary: boundary)
        let eigenvalues = SpectralEigenvalues(problem: problem, precision: .double)
        let v = boundary.fixedValue ?? 0
        let k = eigenvalues.rowTerms.count - 1, l = eigenvalues.colTerms.count - 1
        #expect(eigenvalues.eigenvalue(k, l) < 0)
        for steps in [1, 2, 7, 30] {
            let start = Self.basisVector(boundary, rows: 9, cols: 4, k: k, l: l)
            var stepped = start
            try ReferenceSchedule().run(&stepped, steps: steps, problem: problem)
            let factor = SpectralEigenvalues.power(decay: eigenvalues.decay(k, l), steps: steps)
            for i in 0 ..< 9 {
                for j in 0 ..< 4 {
                    #expect(abs(stepped[i, j] - (v + factor * (start[i, j] - v))) <= 1e-13, "\(boundary) n = \(steps) cell (\(i), \(j))")
                }
            }
        }
    }

    @Test("λⁿ: agrees with repeated multiplication, keeps the sign, underflows to 0")
    func power() {
        for decay in [0.0, 1e-9, 0.01, 0.5, 0.999, 1.0, 1.3, 1.9999, 2.0] {
            let lambda = 1 - decay
            var product = 1.0
            for n in 0 ... 60 {
                let value = SpectralEigenvalues.power(decay: decay, steps: n)
                #expect(abs(value - product) <= 1e-13 * max(1, abs(product)), "decay \(decay), n \(n)")
                product *= lambda
            }
        }
        // λ = 1 − 1e-9 after 10⁹ steps: n·log(λ) = −1 − 5e-10 − O(1e-19), to
        // full accuracy (pow(1 − 1e-9, n) would carry 1 − 1e-9's rounding 10⁹ times).
        #expect(abs(SpectralEigenvalues.power(decay: 1e-9, steps: 1_000_000_000) - exp(-1.0000000005)) <= 1e-15)
        #expect(SpectralEigenvalues.power(decay: 0.5, steps: 10_000_000) == 0)
        #expect(SpectralEigenvalues.power(decay: 1.5, steps: 10_000_001) == 0)
        #expect(SpectralEigenvalues.power(decay: 2, steps: 1_000_001) == -1)
        #expect(SpectralEigenvalues.power(decay: 2, steps: 1_000_000) == 1)
        // |λ| > 1 (unstable) overflows to infinity, with the sign of λⁿ.
        #expect(SpectralEigenvalues.power(decay: 3, steps: 2_001) == -.infinity)
    }

    @Test("float steps use r rounded to float, as the reference does")
    func floatCoefficient() {
        let problem = Problem(rows: 5, cols: 7, dt: 0.1)
        #expect(SpectralEigenvalues(problem: problem, precision: .float).coefficient == Double(Float(0.1)))
        #expect(SpectralEigenvalues(problem: problem, precision: .double).coefficient == 0.1)
    }
}
