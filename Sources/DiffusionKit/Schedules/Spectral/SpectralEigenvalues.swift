#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The eigenvalues of one explicit-Euler step, per boundary, in the basis of
/// the transform that diagonalises it.
///
/// The step is u ↦ A u with A = I + r·L, L the five-point Laplacian under the
/// boundary rule. L is a sum of two one-dimensional second differences, one
/// per axis, and each is diagonalised by a fast transform (per axis of N cells):
///
/// | boundary                  | basis vector j ↦ …            | μ(k) = sin²(θ)        | k         |
/// |---------------------------|-------------------------------|-----------------------|-----------|
/// | periodic                  | e^{2πi·jk/N} (DFT)            | θ = πk/N              | 0 ..< N   |
/// | reflecting (ghost = edge) | cos(πk(j+½)/N) (DCT-II)       | θ = πk/(2N)           | 0 ..< N   |
/// | fixed=V (of w = u − V)    | sin(π(j+1)(k+1)/(N+1)) (DST-I)| θ = π(k+1)/(2(N+1))   | 0 ..< N   |
///
/// The one-dimensional second difference multiplies basis vector k by −4μ(k),
/// so the 2D step multiplies the product basis vector (k, l) by
///
///     λ(k, l) = 1 − 4r(μ_rows(k) + μ_cols(l)),
///
/// and n steps multiply it by λⁿ. λ lies in [−1, 1] exactly when r ≤ 1/4, and
/// is negative for the highest modes when r > 1/8, so λⁿ alternates in sign.
public struct SpectralEigenvalues: Sendable {
    /// r = D·dt/dx², in the precision the grid is stepped in (rounded once,
    /// as the reference rounds it).
    public let coefficient: Double
    /// μ(k) = sin²(θ_k) for each row index k of the spectrum.
    public let rowTerms: [Double]
    /// μ(l) for each column index l of the spectrum (for the periodic r2c
    /// spectrum only l = 0 … C/2, the rest being complex conjugates).
    public let colTerms: [Double]

    /// The eigenvalues for `problem` stepped in `precision`.
    ///
    /// For the periodic boundary the column axis holds C/2 + 1 entries, the
    /// width of FFTW's real-to-complex spectrum; the other boundaries hold C.
    public init(problem: Problem, precision: Precision) {
        coefficient = precision == .float ? Double(Float(problem.coefficient)) : problem.coefficient
        rowTerms = Self.axisTerms(problem.boundary, cells: problem.rows, count: problem.rows)
        let cols = problem.boundary == .periodic ? problem.cols / 2 + 1 : problem.cols
        colTerms = Self.axisTerms(problem.boundary, cells: problem.cols, count: cols)
    }

    /// μ(k) = sin²(θ_k) for k in 0 ..< count on an axis of `cells` cells.
    public static func axisTerms(_ boundary: Boundary, cells: Int, count: Int) -> [Double] {
        let n = Double(cells)
        return (0 ..< count).map { k in
            let theta: Double
            switch boundary {
            case .periodic: theta = Double.pi * Double(k) / n
            case .reflecting: theta = Double.pi * Double(k) / (2 * n)
            case .fixed: theta = Double.pi * Double(k + 1) / (2 * (n + 1))
            }
            let s = sin(theta)
            return s * s
        }
    }

    /// 4r(μ_rows(k) + μ_cols(l)) = 1 − λ(k, l): kept apart from λ because
    /// λⁿ for λ near 1 is computed from it without cancellation.
    @inline(__always)
    public func decay(_ k: Int, _ l: Int) -> Double {
        4 * coefficient * (rowTerms[k] + colTerms[l])
    }

    /// λ(k, l) = 1 − 4r(μ_rows(k) + μ_cols(l)).
    public func eigenvalue(_ k: Int, _ l: Int) -> Double {
        1 - decay(k, l)
    }

    /// λⁿ for λ = 1 − `decay`, accurate for large n.
    ///
    /// - For 0 < λ < 1, λⁿ = exp(n·log1p(−decay)): log1p keeps the relative
    ///   accuracy of λ close to 1 (the slow modes that survive many steps),
    ///   where pow(1 − decay, n) would carry the rounding of 1 − decay times n.
    /// - For λ < 0 (r > 1/8, high modes), |λ| = decay − 1 (exact by Sterbenz
    ///   for decay ≤ 2) and the sign is (−1)ⁿ.
    /// - λ = 0 gives 0 for n ≥ 1; n = 0 gives 1.
    /// - Underflow to 0 is the right answer: the mode has died out (and is
    ///   returned without computing it when a bound shows it). For
    ///   |λ| > 1 (unstable runs) the power overflows to infinity, which is
    ///   how an unstable run becomes non-finite.
    @inline(__always)
    public static func power(decay: Double, steps: Int) -> Double {
        if steps == 0 || decay == 0 { return 1 }
        let n = Double(steps)
        // log1p(−d) ≤ −d and log(d − 1) ≤ d − 2: when n times that bound is
        // below −746 the power is below the smallest subnormal and exp would
        // return 0 anyway; returning it directly skips two transcendentals for
        // most modes of a long run.
        if decay < 1 {
            if n * decay > 746 { return 0 }
            return exp(n * log1p(-decay))
        }
        if decay == 1 || n * (2 - decay) > 746 { return 0 }
        let magnitude = exp(n * log(decay - 1))
        return steps & 1 == 0 ? magnitude : -magnitude
    }
}
