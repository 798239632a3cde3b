#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The transform that diagonalises the step under a boundary rule.
enum SpectralTransform: Hashable, Sendable {
    /// Periodic: the 2D real DFT, r2c forward and c2r back.
    case dft
    /// Reflecting: DCT-II (REDFT10) forward, DCT-III (REDFT01) back.
    case dct
    /// Fixed=V, on w = u − V: DST-I (RODFT00) both ways.
    case dst

    init(_ boundary: Boundary) {
        switch boundary {
        case .periodic: self = .dft
        case .reflecting: self = .dct
        case .fixed: self = .dst
        }
    }

    /// The factor that makes backward ∘ forward the identity on a rows × cols
    /// grid: FFTW's transforms are unnormalised, and their composition is
    /// R·C (DFT), 2R·2C (DCT-II then DCT-III) or 2(R+1)·2(C+1) (DST-I twice).
    func scale(rows: Int, cols: Int) -> Double {
        switch self {
        case .dft: 1 / (Double(rows) * Double(cols))
        case .dct: 1 / (4 * Double(rows) * Double(cols))
        case .dst: 1 / (4 * Double(rows + 1) * Double(cols + 1))
        }
    }

    /// Scalars in the spectrum: R × (C/2 + 1) complex numbers for the DFT,
    /// R × C reals for the others.
    func spectrumScalars(rows: Int, cols: Int) -> Int {
        self == .dft ? rows * (cols / 2 + 1) * 2 : rows * cols
    }
}

/// A forward and a backward FFTW plan for one shape, transform, precision and
/// thread count, and the spectrum buffer they share.
///
/// A run transforms the grid into the spectrum (the forward plan, out of
/// place), scales the spectrum, and transforms it back into the grid: two
/// grids of memory (grid and spectrum) for any number of steps. The plans are
/// applied to any grid of the shape with FFTW's new-array execute functions;
/// every `Grid` is 64-byte aligned, as FFTW requires of arrays it was not
/// planned with.
///
/// Planning, in order: a plan from wisdom (FFTW_WISDOM_ONLY, which touches no
/// array); else, when `DIFFUSE_FFTW_MEASURE=1`, a measured plan on a scratch
/// array, which is saved in the wisdom file; else FFTW's estimate, which
/// takes microseconds and does not touch the arrays, so it is planned on the
/// caller's grid and needs no third grid. Measuring is opt-in because it
/// costs seconds per new shape even at 500² (1.7–3.1 s measured on the
/// README's machine), more than the run it would speed up.
final class SpectralPlan: @unchecked Sendable {
    // @unchecked: the plan pointers are immutable after init; FFTW's execute
    // functions are thread-safe; the spectrum buffer is only used under `busy`.

    struct Key: Hashable, Sendable {
        let rows: Int, cols: Int
        let transform: SpectralTransform
        let precision: Precision
        let threads: Int
    }

    /// True when `DIFFUSE_FFTW_MEASURE=1` asks for measured plans.
    static let measures = getenv("DIFFUSE_FFTW_MEASURE").map { String(cString: $0) == "1" } ?? false

    let key: Key
    let library: FFTWLibrary
    private let forward: OpaquePointer
    private let backward: OpaquePointer
    /// fftw_malloc'd, `key.transform.spectrumScalars` scalars of the precision.
    private let spectrum: UnsafeMutableRawPointer
    /// The spectrum is one buffer: runs on the same plan take turns.
    private let busy = Mutex<Void>(())
    /// True when planning measured something new, worth saving as wisdom.
    let learned: Bool

    /// Plans for `key`, using `grid` (of the key's shape and precision) as the
    /// array for estimated plans, measuring when `measure` and no wisdom has
    /// the plan. Call while holding `library.planner`.
    init?(key: Key, library: FFTWLibrary, grid: UnsafeMutableRawPointer, measure: Bool = SpectralPlan.measures) {
        let rows = Int32(key.rows), cols = Int32(key.cols)
        let scalars = key.transform.spectrumScalars(rows: key.rows, cols: key.cols)
        guard let spectrum = library.malloc(scalars * key.precision.byteWidth) else { return nil }
        library.setPlannerThreads(key.threads)

        func plan(_ flags: UInt32, _ real: UnsafeMutableRawPointer, _ spectrum: UnsafeMutableRawPointer) -> (OpaquePointer, OpaquePointer)? {
            let flags = flags | FFTWLibrary.Flag.destroyInput
            let forward: OpaquePointer?, backward: OpaquePointer?
            switch key.transform {
            case .dft:
                forward = library.planR2C2D(rows, cols, real, spectrum, flags)
                backward = forward == nil ? nil : library.planC2R2D(rows, cols, spectrum, real, flags)
            case .dct:
                let to = FFTWLibrary.Kind.redft10.rawValue, back = FFTWLibrary.Kind.redft01.rawValue
                forward = library.planR2R2D(rows, cols, real, spectrum, to, to, flags)
                backward = forward == nil ? nil : library.planR2R2D(rows, cols, spectrum, real, back, back, flags)
            case .dst:
                let kind = FFTWLibrary.Kind.rodft00.rawValue
                forward = library.planR2R2D(rows, cols, real, spectrum, kind, kind, flags)
                backward = forward == nil ? nil : library.planR2R2D(rows, cols, spectrum, real, kind, kind, flags)
            }
            guard let forward, let backward else {
                if let forward { library.destroyPlan(forward) }
                return nil
            }
            return (forward, backward)
        }

        var learned = false
        var plans = plan(FFTWLibrary.Flag.measure | FFTWLibrary.Flag.wisdomOnly, grid, spectrum)
        if plans == nil, measure,
           let scratch = library.malloc(key.rows * key.cols * key.precision.byteWidth) {
            plans = plan(FFTWLibrary.Flag.measure, scratch, spectrum)
            library.free(scratch)
            learned = plans != nil
        }
        if plans == nil { plans = plan(FFTWLibrary.Flag.estimate, grid, spectrum) }
        guard let (forward, backward) = plans else {
            library.free(spectrum)
            return nil
        }
        self.key = key
        self.library = library
        self.forward = forward
        self.backward = backward
        self.spectrum = spectrum
        self.learned = learned
    }

    deinit {
        // FFTW allows only its execute functions outside the planner's lock.
        library.planner.withLock { _ in
            library.destroyPlan(forward)
            library.destroyPlan(backward)
            library.free(spectrum)
        }
    }

    /// Transforms `cells` forward, lets `scale` multiply the spectrum in
    /// place, and transforms it back into `cells`.
    func apply<Scalar: DiffusionScalar>(to cells: UnsafeMutableBufferPointer<Scalar>, scale: (UnsafeMutablePointer<Scalar>) -> Void) {
        precondition(Scalar.precision == key.precision && cells.count == key.rows * key.cols)
        let grid = UnsafeMutableRawPointer(cells.baseAddress!)
        busy.withLock { _ in
            switch key.transform {
            case .dft:
                library.executeR2C(forward, grid, spectrum)
                scale(spectrum.assumingMemoryBound(to: Scalar.self))
                library.executeC2R(backward, spectrum, grid)
            case .dct, .dst:
                library.executeR2R(forward, grid, spectrum)
                scale(spectrum.assumingMemoryBound(to: Scalar.self))
                library.executeR2R(backward, spectrum, grid)
            }
        }
    }
}

/// The plans made so far, kept for the life of the process: planning costs
/// more than a transform, and a bench or a chunked run applies the same plan
/// many times. A handful of shapes at most are kept (the oldest goes first).
enum SpectralPlanCache {
    static let capacity = 4

    private static let plans = Mutex<[SpectralPlan]>([])
    /// Precisions whose wisdom file has been read.
    private static let wisdomRead = Mutex<Set<Precision>>([])

    /// The plan for `key`, made (and wisdom read and saved) on first use.
    static func plan(for key: SpectralPlan.Key, library: FFTWLibrary, grid: UnsafeMutableRawPointer) -> SpectralPlan? {
        if let plan = plans.withLock({ $0.first { $0.key == key } }) { return plan }
        let wisdom = FFTWWisdom.file(for: key.precision)
        let made: SpectralPlan? = library.planner.withLock { _ in
            let firstUse = wisdomRead.withLock { $0.insert(key.precision).inserted }
            if firstUse, let wisdom { FFTWWisdom.load(into: library, from: wisdom) }
            let plan = SpectralPlan(key: key, library: library, grid: grid)
            if let plan, plan.learned, let wisdom { FFTWWisdom.save(from: library, to: wisdom) }
            return plan
        }
        guard let made else { return nil }
        // Dropped plans are destroyed outside this lock (their deinit takes the planner's).
        var evicted: [SpectralPlan] = []
        let kept = plans.withLock { plans -> SpectralPlan in
            if let existing = plans.first(where: { $0.key == key }) { return existing }
            plans.append(made)
            if plans.count > capacity { evicted = Array(plans.prefix(plans.count - capacity)); plans.removeFirst(plans.count - capacity) }
            return made
        }
        evicted.removeAll()
        return kept
    }
}
