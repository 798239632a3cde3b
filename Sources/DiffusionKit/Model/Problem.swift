/// What is computed: u_t = D ∇²u on a rows × cols grid with spacing dx,
/// stepped by explicit Euler with the five-point Laplacian,
///
///     u'[i,j] = u[i,j] + r · (u[i+1,j] + u[i−1,j] + u[i,j+1] + u[i,j−1] − 4·u[i,j]),
///     r = D·dt/dx²,
///
/// with the missing neighbours of edge cells given by `boundary`.
///
/// A problem says nothing about how it is stepped: that is a `Schedule`'s
/// business. Its defaults are the seed's workload: 640 × 640, D = 1, dt = 0.1,
/// dx = 1, periodic boundaries, the block initial condition, double precision.
public struct Problem: Sendable, Hashable {
    public var rows: Int
    public var cols: Int
    /// The diffusivity D (length²/time), positive.
    public var diffusivity: Double
    /// The time step dt, positive.
    public var dt: Double
    /// The grid spacing dx (the same along both axes), positive.
    public var dx: Double
    public var boundary: Boundary
    public var initial: InitialCondition
    public var precision: Precision

    /// The smallest grid side: every cell then has distinct neighbours.
    public static let minimumSide = 3

    /// The explicit-Euler stability limit of the 2D five-point scheme: r ≤ 1/4.
    ///
    /// The amplification factor of the Fourier mode (θx, θy) is
    /// 1 − 4r(sin²(θx/2) + sin²(θy/2)); it stays within [−1, 1] for every mode
    /// exactly when r ≤ 1/4.
    public static let stabilityLimit = 0.25

    public init(
        rows: Int = 640,
        cols: Int = 640,
        diffusivity: Double = 1,
        dt: Double = 0.1,
        dx: Double = 1,
        boundary: Boundary = .periodic,
        initial: InitialCondition = .block,
        precision: Precision = .double
    ) {
        self.rows = rows
        self.cols = cols
        self.diffusivity = diffusivity
        self.dt = dt
        self.dx = dx
        self.boundary = boundary
        self.initial = initial
        self.precision = precision
    }

    /// The seed's workload: 640 × 640, D = 1, dt = 0.1, dx = 1, periodic, block.
    public static let seed = Problem()

    /// r = D·dt/dx², the weight of the Laplacian in one step.
    public var coefficient: Double { diffusivity * dt / (dx * dx) }

    /// The largest stable time step for this D and dx: dx² / (4D).
    public var largestStableTimeStep: Double { Self.stabilityLimit * dx * dx / diffusivity }

    /// True when r = D·dt/dx² is within the stability limit.
    public var isStable: Bool { coefficient <= Self.stabilityLimit }

    /// The number of cells.
    public var cellCount: Int { rows * cols }

    /// Checks everything that can be checked before allocating: sizes, positive
    /// finite parameters, stability (unless `allowUnstable`).
    public func validate(allowUnstable: Bool = false) throws(DiffusionError) {
        guard rows >= Self.minimumSide, cols >= Self.minimumSide else {
            throw .gridTooSmall(rows: rows, cols: cols)
        }
        guard !rows.multipliedReportingOverflow(by: cols).overflow,
              !(rows * cols).multipliedReportingOverflow(by: precision.byteWidth).overflow
        else { throw .gridTooLarge(rows: rows, cols: cols, bytesNeeded: nil, bytesAvailable: nil) }
        for (name, value) in [("diffusivity", diffusivity), ("dt", dt), ("dx", dx)] {
            guard value.isFinite, value > 0 else { throw .invalidParameter(name: name, value: value) }
        }
        if !allowUnstable && !isStable {
            throw .unstable(
                coefficient: coefficient, limit: Self.stabilityLimit,
                largestStableDt: largestStableTimeStep, diffusivity: diffusivity, dx: dx)
        }
    }

    /// Refuses a grid whose `grids` copies would not fit in `availableBytes`
    /// (by default: `MemoryBudget.availableBytes`, which heeds physical memory,
    /// cgroup limits and `ulimit -v`).
    public func checkMemory(grids: Int, availableBytes: Int? = nil) throws(DiffusionError) {
        let bytesPerGrid = rows.multipliedReportingOverflow(by: cols)
        let perGrid = bytesPerGrid.partialValue.multipliedReportingOverflow(by: precision.byteWidth)
        let total = perGrid.partialValue.multipliedReportingOverflow(by: grids)
        let available = availableBytes ?? MemoryBudget.availableBytes
        if bytesPerGrid.overflow || perGrid.overflow || total.overflow {
            throw .gridTooLarge(rows: rows, cols: cols, bytesNeeded: nil, bytesAvailable: available)
        }
        if let available, total.partialValue > available {
            throw .gridTooLarge(rows: rows, cols: cols, bytesNeeded: total.partialValue, bytesAvailable: available)
        }
    }

    /// The field at step 0, in precision `Scalar`.
    ///
    /// For `file` initial conditions the file's shape must equal the problem's
    /// (use `adoptingShapeOfInitialFile()` first); float64 files are rounded
    /// to float32 when `Scalar` is `Float` (a finite value beyond float32's
    /// range is refused). The file is opened once per process (`InitialFiles`)
    /// and must hold only finite values (`nonFiniteInput` otherwise).
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    public func makeInitialGrid<Scalar: DiffusionScalar>(_: Scalar.Type = Scalar.self) throws(DiffusionError) -> Grid<Scalar> {
        if case .file(let path) = initial {
            let loaded = try InitialFiles.source(path).read(as: Scalar.self)
            guard loaded.rows == rows, loaded.cols == cols else {
                throw .shapeMismatch(path: path, fileRows: loaded.rows, fileCols: loaded.cols, rows: rows, cols: cols)
            }
            // A NaN or infinity in the file would surface steps later as an
            // "unstable" field; name the file instead.
            if let (row, col, count) = FieldSummary.firstNonFinite(loaded) {
                throw .nonFiniteInput(path: path, count: count, row: row, col: col)
            }
            return loaded
        }
        var grid = try Grid<Scalar>(allocating: rows, cols: cols)
        initial.fill(&grid)
        return grid
    }

    /// This problem with rows and cols taken from the `.npy` file of a `file`
    /// initial condition (unchanged for other conditions).
    public func adoptingShapeOfInitialFile() throws(DiffusionError) -> Problem {
        guard case .file(let path) = initial else { return self }
        let header = try InitialFiles.source(path).header
        var result = self
        result.rows = header.rows
        result.cols = header.cols
        return result
    }

    /// The largest magnitude the field can take: max |u₀| and, for fixed
    /// boundaries, |V|. Diffusion never leaves the range spanned by the initial
    /// values and the boundary value (a discrete maximum principle for r ≤ 1/4),
    /// so this scales every absolute error bound.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    public func magnitude<Scalar: DiffusionScalar>(of initialGrid: Grid<Scalar>) -> Double {
        let fieldMax = initialGrid.withUnsafeBufferPointer { cells in
            cells.reduce(0.0) { max($0, abs(Double($1))) }
        }
        return max(fieldMax, abs(boundary.fixedValue ?? 0))
    }
}

extension Problem: CustomStringConvertible {
    public var description: String {
        "\(rows)×\(cols), D=\(diffusivity), dt=\(dt), dx=\(dx), \(boundary), \(initial), \(precision)"
    }
}
