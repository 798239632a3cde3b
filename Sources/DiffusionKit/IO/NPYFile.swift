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
        let file = try InputFile(path: path)
        let header = try NPYHeader.read(from: file)
        try checkShape(header, path: path)
        _ = try header.scalarType(path: path)
        return header
    }

    /// Reads a two-dimensional float64 or float32 `.npy` file into a grid.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    public static func read<Scalar: DiffusionScalar>(path: String, as _: Scalar.Type = Scalar.self) throws(DiffusionError) -> Grid<Scalar> {
        let file = try InputFile(path: path)
        let header = try NPYHeader.read(from: file)
        try checkShape(header, path: path)
        let (type, bigEndian) = try header.scalarType(path: path)
        switch type {
        case .float64: return try readData(file, header: header, stored: Double.self, bigEndian: bigEndian)
        case .float32: return try readData(file, header: header, stored: Float.self, bigEndian: bigEndian)
        }
    }

    private static func checkShape(_ header: NPYHeader, path: String) throws(DiffusionError) {
        guard header.shape.count == 2 else {
            let shape = "(" + header.shape.map(String.init).joined(separator: ", ") + (header.shape.count == 1 ? ",)" : ")")
            throw .npy(path: path, reason: "holds a \(header.shape.count)-dimensional array of shape \(shape): expected a 2-dimensional field (rows, cols)")
        }
        guard header.rows > 0, header.cols > 0,
              !header.rows.multipliedReportingOverflow(by: header.cols).overflow
        else { throw .npy(path: path, reason: "has an empty or impossible shape (\(header.rows), \(header.cols))") }
    }

    private static func readData<Stored: DiffusionScalar, Scalar: DiffusionScalar>(
        _ file: borrowing InputFile, header: NPYHeader, stored: Stored.Type, bigEndian: Bool
    ) throws(DiffusionError) -> Grid<Scalar> {
        let rows = header.rows, cols = header.cols, count = rows * cols
        let width = MemoryLayout<Stored>.size
        let (expectedBytes, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow else { throw .npy(path: file.path, reason: "shape (\(rows), \(cols)) is too large") }
        var (values, got) = try file.readValues(Stored.self, count: count, zero: 0)
        guard got == expectedBytes else {
            throw .npy(path: file.path, reason: "truncated: the header announces \(rows)×\(cols) \(Stored.self == Double.self ? "float64" : "float32") values (\(expectedBytes) bytes) but only \(got) bytes follow")
        }
        if bigEndian != isBigEndianHost {
            for index in values.indices { values[index] = Stored(bitPattern: values[index].bitPattern.byteSwapped) }
        }
        var grid = Grid<Scalar>(rows: rows, cols: cols)
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
