/// `spectral`: any number of steps for the cost of two transforms.
///
/// The explicit step is a linear operator that does not change with time,
/// u ↦ A u, so n steps are Aⁿ u₀. A transform S that diagonalises A turns
/// that into
///
///     uₙ = S⁻¹(λⁿ ⊙ S u₀),
///
/// with λ(k, l) the eigenvalues of `SpectralEigenvalues`:
///
/// - periodic: the 2D real DFT (FFTW r2c, then c2r), scaled by 1/(R·C);
/// - reflecting: DCT-II (REDFT10) forward, DCT-III (REDFT01) back, scaled by
///   1/(2R·2C);
/// - fixed=V: w = u − V has ghost cells 0; DST-I (RODFT00) both ways, scaled
///   by 1/(2(R+1)·2(C+1)), then V is added back.
///
/// This is the same discrete answer as stepping, not an approximation of the
/// PDE: the differences are the transforms' rounding, about ε·log N of the
/// field's magnitude, and they do not grow with n (λⁿ is computed directly,
/// see `SpectralEigenvalues.power`). Modes that underflow have died out.
///
/// FFTW 3 is loaded at first use (`FFTWLibrary`); where it is missing the
/// schedule says so through `limitation(for:)` and `descriptor.supports`, and
/// nothing else is affected. Plans are made once per shape and kept
/// (`SpectralPlanCache`); FFTW's threads use the cores the context allows.
/// Memory: the grid and one spectrum of about the same size.
public struct SpectralSchedule: Schedule {
    /// Where FFTW comes from: the process's shared libraries by default; tests
    /// pass `DIFFUSE_FFTW`-style overrides to exercise the unavailable path.
    let libraries: @Sendable (Precision) -> Result<FFTWLibrary, FFTWUnavailable>

    public init() {
        libraries = FFTWLibrary.shared
    }

    /// A spectral schedule that looks for FFTW as `DIFFUSE_FFTW=override`
    /// would say (`off`: nowhere; a folder: only there).
    public init(fftwOverride override: String) {
        let double = FFTWLibrary.load(.double, override: override)
        let float = FFTWLibrary.load(.float, override: override)
        libraries = { $0 == .double ? double : float }
    }

    /// Why FFTW is unusable for `precision`, or nil when it is loaded.
    public func unavailability(_ precision: Precision = .double) -> String? {
        if case .failure(let reason) = libraries(precision) { return reason.description }
        return nil
    }

    public var descriptor: ScheduleDescriptor {
        ScheduleDescriptor(
            name: "spectral",
            seedCounterpart: "(beyond the seed)",
            lesson: "change the algorithm, not the loop: n steps for the cost of two FFTW transforms",
            isParallel: true,
            supports: unavailability().map { "unavailable: " + $0 }
                ?? "all boundaries, any shape from 3×3, double and float (FFTW 3)")
    }

    public func limitation(for problem: Problem) -> String? {
        unavailability(problem.precision)
    }

    /// FFTW's threads, one per `FastSupport.minimumCellsPerThread` cells at
    /// most: on small grids a thread's start-up costs more than its share.
    /// One where FFTW's threads library is missing.
    public func threads(for problem: Problem, context: ExecutionContext) -> Int {
        guard case .success(let library) = libraries(problem.precision), library.hasThreads else { return 1 }
        return max(1, min(context.resolvedThreads, problem.cellCount / FastSupport.minimumCellsPerThread))
    }

    public func advance(_ grid: inout Grid<Double>, steps: Int, problem: Problem, context: ExecutionContext) throws(DiffusionError) {
        try fastForward(&grid, steps: steps, problem: problem, context: context)
    }

    public func advance(_ grid: inout Grid<Float>, steps: Int, problem: Problem, context: ExecutionContext) throws(DiffusionError) {
        try fastForward(&grid, steps: steps, problem: problem, context: context)
    }

    /// uₙ = S⁻¹(λⁿ ⊙ S u₀) in place.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    func fastForward<Scalar: DiffusionScalar>(
        _ grid: inout Grid<Scalar>, steps: Int, problem: Problem, context: ExecutionContext
    ) throws(DiffusionError) {
        guard steps > 0 else { return }
        let library: FFTWLibrary
        switch libraries(Scalar.precision) {
        case .success(let loaded): library = loaded
        case .failure(let reason): throw .unsupported(schedule: descriptor.name, reason: reason.description)
        }
        let rows = grid.rows, cols = grid.cols
        guard rows <= Int(Int32.max), cols <= Int(Int32.max) else {
            throw .unsupported(schedule: descriptor.name, reason: "FFTW plans sides up to \(Int32.max) cells")
        }
        let transform = SpectralTransform(problem.boundary)
        let threads = threads(for: problem, context: context)
        let key = SpectralPlan.Key(rows: rows, cols: cols, transform: transform, precision: Scalar.precision, threads: threads)
        let eigenvalues = SpectralEigenvalues(problem: problem, precision: Scalar.precision)
        let scale = transform.scale(rows: rows, cols: cols)
        let shift = Scalar(problem.boundary.fixedValue ?? 0)
        try grid.withUnsafeMutableBufferPointer { (cells) throws(DiffusionError) in
            guard let plan = SpectralPlanCache.plan(for: key, library: library, grid: UnsafeMutableRawPointer(cells.baseAddress!)) else {
                throw .unsupported(schedule: descriptor.name, reason: "FFTW could not plan a \(rows)×\(cols) \(transform) transform")
            }
            if shift != 0 { context.phase("shift") { for i in cells.indices { cells[i] -= shift } } }
            context.phase("transforms") {
                plan.apply(to: cells) { spectrum in
                    context.phase("eigenvalues") {
                        Self.scaleSpectrum(spectrum, eigenvalues, steps: steps, scale: scale,
                                           complex: transform == .dft, threads: threads)
                    }
                }
            }
            if shift != 0 { context.phase("shift") { for i in cells.indices { cells[i] += shift } } }
        }
    }

    /// Multiplies spectrum entry (k, l) by λ(k, l)ⁿ · `scale`; for the complex
    /// DFT spectrum both parts of each entry. Rows are split over `threads`
    /// (the fast schedules' persistent `ThreadTeam`, which allocates nothing
    /// per run): each entry can cost an exp and a log1p, a noticeable share.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    static func scaleSpectrum<Scalar: DiffusionScalar>(
        _ spectrum: UnsafeMutablePointer<Scalar>, _ eigenvalues: SpectralEigenvalues, steps: Int, scale: Double,
        complex: Bool, threads: Int
    ) {
        let rows = eigenvalues.rowTerms.count, cols = eigenvalues.colTerms.count
        let width = complex ? 2 : 1
        func scaleRows(_ range: Range<Int>) {
            eigenvalues.rowTerms.withUnsafeBufferPointer { rowTerms in
                eigenvalues.colTerms.withUnsafeBufferPointer { colTerms in
                    let fourR = 4 * eigenvalues.coefficient
                    for k in range {
                        let row = spectrum + k * cols * width
                        for l in 0 ..< cols {
                            let decay = fourR * (rowTerms[k] + colTerms[l])
                            let factor = Scalar(SpectralEigenvalues.power(decay: decay, steps: steps) * scale)
                            if complex {
                                row[2 * l] *= factor
                                row[2 * l + 1] *= factor
                            } else {
                                row[l] *= factor
                            }
                        }
                    }
                }
            }
        }
        let parts = min(threads, rows)
        if parts <= 1 { return scaleRows(0 ..< rows) }
        ThreadTeam.shared(size: parts).run { part in
            scaleRows(rows * part / parts ..< rows * (part + 1) / parts)
        }
    }
}
