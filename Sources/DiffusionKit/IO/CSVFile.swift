/// Writing grids as comma-separated text: one line per grid row, values
/// separated by commas, each printed as the shortest decimal that reads back
/// to the same binary value (Swift's `description`), so nothing is lost.
public enum CSVFile {
    /// Writes `grid` to `path` atomically.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    public static func write<Scalar: DiffusionScalar>(_ grid: Grid<Scalar>, to path: String) throws(DiffusionError) {
        let writer = try AtomicFileWriter(path: path)
        try grid.withUnsafeBufferPointer { (cells) throws(DiffusionError) in
            var line = ""
            for i in 0 ..< grid.rows {
                line.removeAll(keepingCapacity: true)
                for j in 0 ..< grid.cols {
                    if j > 0 { line.append(",") }
                    line.append(cells[i * grid.cols + j].description)
                }
                line.append("\n")
                try writer.write(line)
            }
        }
        try writer.commit()
    }
}
