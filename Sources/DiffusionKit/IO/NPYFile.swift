import Synchronization

/// Reading and writing grids as NumPy `.npy` files.
///
/// Written files are format 1.0, C order, `<f8` for `Double` and `<f4` for
/// `Float`, byte for byte what `numpy.save` writes, so `numpy.load` returns
/// the same dtype and shape. Reading accepts formats 1.0–3.0, float64 or
/// float32, either byte order and either memory order: big-endian data is
/// byte-swapped and Fortran-order data transposed into the grid's C order, and
/// a file of the other precision is converted (float64 → float32 rounds to
/// nearest).
public enum NPYFile {
    /// Reads the header of a two-dimensional float `.npy` file.
    public static func readHeader(path: String) throws(DiffusionError) -> NPYHeader {
        try NPYSource(path: path).header
    }

    /// Reads a two-dimensional float64 or float32 `.npy` file into a grid.
    ///
    /// The file is opened once (pipes and `/dev/stdin` work). A header or
    /// shape that needs more bytes than a regular file holds is refused
    /// before anything is allocated for it; from a pipe, memory grows only
    /// with the bytes that really arrive.
    public static func read<Scalar: DiffusionScalar>(path: String, as _: Scalar.Type = Scalar.self) throws(DiffusionError) -> Grid<Scalar> {
        try NPYSource(path: path).read(as: Scalar.self)
    }

    static func checkShape(_ header: NPYHeader, path: String) throws(DiffusionError) {
        guard header.shape.count == 2 else {
            let shape = "(" + header.shape.map(String.init).joined(separator: ", ") + (header.shape.count == 1 ? ",)" : ")")
            throw .npy(path: path, reason: "holds a \(header.shape.count)-dimensional array of shape \(shape): expected a 2-dimensional field (rows, cols)")
        }
        guard header.rows > 0, header.cols > 0,
              !header.rows.multipliedReportingOverflow(by: header.cols).overflow,
              !(header.rows * header.cols).multipliedReportingOverflow(by: 8).overflow
        else { throw .npy(path: path, reason: "has an empty or impossible shape (\(header.rows), \(header.cols))") }
    }

    @_specialize(where Stored == Double, Scalar == Double)
    @_specialize(where Stored == Float, Scalar == Float)
    @_specialize(where Stored == Double, Scalar == Float)
    @_specialize(where Stored == Float, Scalar == Double)
    static func readData<Stored: DiffusionScalar, Scalar: DiffusionScalar>(
        _ file: borrowing InputFile, header: NPYHeader, stored: Stored.Type, bigEndian: Bool
    ) throws(DiffusionError) -> Grid<Scalar> {
        let rows = header.rows, cols = header.cols, count = rows * cols
        let width = MemoryLayout<Stored>.size
        let (expectedBytes, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow else { throw .npy(path: file.path, reason: "shape (\(rows), \(cols)) is too large") }
        let typeName = Stored.self == Double.self ? "float64" : "float32"
        if let size = file.size, size - header.dataOffset < expectedBytes {
            throw .npy(path: file.path, reason: "truncated: the header announces \(rows)×\(cols) \(typeName) values (\(expectedBytes) bytes) but only \(max(0, size - header.dataOffset)) bytes follow")
        }
        var (values, got) = try file.readValues(Stored.self, count: count, zero: 0)
        guard got == expectedBytes else {
            throw .npy(path: file.path, reason: "truncated: the header announces \(rows)×\(cols) \(typeName) values (\(expectedBytes) bytes) but only \(got) bytes follow")
        }
        if bigEndian != isBigEndianHost {
            for index in values.indices { values[index] = Stored(bitPattern: values[index].bitPattern.byteSwapped) }
        }
        var grid = try Grid<Scalar>(allocating: rows, cols: cols)
        grid.withUnsafeMutableBufferPointer { cells in
            if header.fortranOrder {
                // Column-major: element (i, j) is at j * rows + i.
                for i in 0 ..< rows {
                    for j in 0 ..< cols { cells[i * cols + j] = Scalar(values[j * rows + i]) }
                }
            } else {
                for index in 0 ..< count { cells[index] = Scalar(values[index]) }
            }
        }
        if MemoryLayout<Scalar>.size < width {
            // float64 → float32: a finite value beyond float32's range becomes
            // infinite; say so rather than step an infinite field.
            let overflowed = grid.withUnsafeBufferPointer { cells -> Int? in
                for index in 0 ..< count where !cells[index].isFinite {
                    let source = header.fortranOrder ? values[(index % cols) * rows + index / cols] : values[index]
                    if source.isFinite { return index }
                }
                return nil
            }
            if let index = overflowed {
                let source = header.fortranOrder ? values[(index % cols) * rows + index / cols] : values[index]
                throw .npy(path: file.path, reason: "the value \(Double(source)) at row \(index / cols), column \(index % cols) is beyond float32's range (±3.4e38): use --precision double")
            }
        }
        return grid
    }

    /// The bytes of a `.npy` file for `grid`: NumPy's header, then the values
    /// in little-endian C order.
    public static func encode<Scalar: DiffusionScalar>(_ grid: Grid<Scalar>) -> [UInt8] {
        header(for: grid) + littleEndianData(grid)
    }

    /// Writes `grid` to `path` atomically (a temporary file renamed into place).
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    public static func write<Scalar: DiffusionScalar>(_ grid: Grid<Scalar>, to path: String) throws(DiffusionError) {
        let writer = try AtomicFileWriter(path: path)
        try writer.write(header(for: grid))
        if isBigEndianHost {
            try writer.write(littleEndianData(grid))
        } else {
            // The buffer already is the file's data: write it without a copy.
            try grid.withUnsafeBufferPointer { (cells) throws(DiffusionError) in
                try writer.write(raw: UnsafeRawBufferPointer(cells))
            }
        }
        try writer.commit()
    }

    private static func header<Scalar: DiffusionScalar>(for grid: Grid<Scalar>) -> [UInt8] {
        NPYHeader.encode(descriptor: Scalar.precision.numpyDescriptor, shape: [grid.rows, grid.cols])
    }

    private static func littleEndianData<Scalar: DiffusionScalar>(_ grid: Grid<Scalar>) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(grid.count * MemoryLayout<Scalar>.size)
        grid.withUnsafeBufferPointer { cells in
            for value in cells {
                withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
            }
        }
        return bytes
    }
}

/// True on big-endian machines, where values must be byte-swapped for `.npy`'s little-endian files.
let isBigEndianHost: Bool = 1.bigEndian == 1

/// One `.npy` file, opened once: its header is read at once, its data when
/// asked for, both through the same descriptor.
///
/// Reading the data a second time seeks back for a regular file; a pipe or
/// FIFO cannot be rewound, so its grid is kept after the first read and
/// returned again (converted if another precision is asked for).
public final class NPYSource: @unchecked Sendable {
    // @unchecked: every use goes through `lock`.
    public let path: String
    public let header: NPYHeader
    private let file: InputFile
    private let type: NPYHeader.ScalarType
    private let bigEndian: Bool
    private var dataRead = false
    private var kept: Grid<Double>?
    private var keptFloat: Grid<Float>?
    private let lock = Mutex<Void>(())

    /// Opens `path` and reads and checks its header: format, a
    /// two-dimensional float64/float32 array, and (for a regular file) that
    /// the file holds the bytes the header announces.
    public init(path: String) throws(DiffusionError) {
        self.path = path
        let file = try InputFile(path: path)
        let header = try NPYHeader.read(from: file)
        try NPYFile.checkShape(header, path: path)
        (type, bigEndian) = try header.scalarType(path: path)
        let width = type == .float64 ? 8 : 4
        if let size = file.size {
            let needed = header.rows * header.cols * width
            if size - header.dataOffset < needed {
                throw .npy(path: path, reason: "truncated: the header announces \(header.rows)×\(header.cols) \(type == .float64 ? "float64" : "float32") values (\(needed) bytes) but only \(max(0, size - header.dataOffset)) bytes follow")
            }
        }
        self.file = file
        self.header = header
    }

    /// The field, in precision `Scalar`.
    public func read<Scalar: DiffusionScalar>(as _: Scalar.Type = Scalar.self) throws(DiffusionError) -> Grid<Scalar> {
        try lock.withLock { (_) throws(DiffusionError) -> Grid<Scalar> in
            if let kept { return Scalar.self == Double.self ? unsafeBitCast(kept, to: Grid<Scalar>.self) : kept.converted(to: Scalar.self) }
            if let keptFloat { return Scalar.self == Float.self ? unsafeBitCast(keptFloat, to: Grid<Scalar>.self) : keptFloat.converted(to: Scalar.self) }
            if dataRead {
                guard file.size != nil, file.seek(to: header.dataOffset) else {
                    throw .io(path: path, reason: "cannot be read twice (a pipe): read it once")
                }
            }
            dataRead = true
            let grid: Grid<Scalar>
            switch type {
            case .float64: grid = try NPYFile.readData(file, header: header, stored: Double.self, bigEndian: bigEndian)
            case .float32: grid = try NPYFile.readData(file, header: header, stored: Float.self, bigEndian: bigEndian)
            }
            if file.size == nil {
                if Scalar.self == Double.self { kept = unsafeBitCast(grid, to: Grid<Double>.self) } else { keptFloat = unsafeBitCast(grid, to: Grid<Float>.self) }
            }
            return grid
        }
    }
}
