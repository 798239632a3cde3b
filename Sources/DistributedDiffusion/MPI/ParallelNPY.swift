#if MPI
import CMPI
import DiffusionKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `.npy` files written and read by all ranks at once with MPI-IO.
///
/// The file is what `NPYFile.write` writes for the whole grid: NumPy's
/// header, then the cells in little-endian C order. All ranks open the file
/// together (`MPI_File_open` is collective); rank 0 writes the header; every
/// rank sets a file view, a subarray of the global rows × cols array starting
/// after the header, and writes its block through it, so the blocks land in
/// their places of one file.
///
/// The block is written with `MPI_File_write`, each rank on its own, not
/// with the collective `MPI_File_write_all`: with Open MPI 4.1.4's default
/// `ompio` component the collective write left a hole of zeros (560 bytes of
/// a 9×31 float file over 4 ranks) in about one run in fifteen, while ROMIO
/// and the independent writes never did in 40 runs each. The blocks are
/// disjoint, so independent writes need no aggregation to be correct; on a
/// parallel file system with many ranks the collective form would be faster
/// once the implementation is trusted. Reads use `MPI_File_read` likewise.
///
/// Atomicity: the data go to a temporary name beside the destination; only
/// after every rank reports success does rank 0 rename it into place, so a
/// failure on any rank leaves no file, partial or whole (rank 0 deletes the
/// temporary file).
enum ParallelNPY {
    /// Writes `block` (this rank's owned cells) into the `.npy` file `path` of
    /// the whole `rows × cols` grid. Returns nil on every rank when all ranks
    /// succeeded, else the agreed failure.
    static func write<Scalar: DiffusionScalar>(
        _ block: Grid<Scalar>, layout: BlockLayout, rows: Int, cols: Int, to path: String,
        world: MPIWorld, communicator: MPI_Comm?
    ) -> DistributedFailure? {
        let header = NPYHeader.encode(descriptor: Scalar.precision.numpyDescriptor, shape: [rows, cols])
        // One temporary name for all ranks: rank 0's process id.
        let id = world.broadcast(Int(getpid()))
        let (folder, name) = split(path)
        let temporary = folder + "." + name + ".\(id).partial"

        var file: MPI_File? = cmpi_file_null()
        var code = MPI_File_open(communicator, temporary, cmpi_mode_create_wronly(), cmpi_info_null(), &file)
        if let failure = world.agree(code == cmpi_success() ? nil : "cannot write \(path): \(MPIWorld.errorText(code))") {
            return failure
        }
        var problem: String? = nil
        if world.isRoot {
            var bytes = header
            code = MPI_File_write_at(file, 0, &bytes, Int32(bytes.count), cmpi_byte(), cmpi_status_ignore())
            if code != cmpi_success() { problem = "cannot write \(path): \(MPIWorld.errorText(code))" }
        }
        let filetype = subarray(layout: layout, rows: rows, cols: cols, element: mpiType(Scalar.self))
        var view = filetype
        code = MPI_File_set_view(file, MPI_Offset(header.count), mpiType(Scalar.self), filetype, "native", cmpi_info_null())
        if code == cmpi_success() {
            var data = block
            code = data.withUnsafeMutableBufferPointer { cells in
                MPI_File_write(file, cells.baseAddress, Int32(cells.count), mpiType(Scalar.self), cmpi_status_ignore())
            }
        }
        if code != cmpi_success(), problem == nil { problem = "cannot write \(path): \(MPIWorld.errorText(code))" }
        code = MPI_File_close(&file)
        if code != cmpi_success(), problem == nil { problem = "cannot write \(path): \(MPIWorld.errorText(code))" }
        MPI_Type_free(&view)

        if let failure = world.agree(problem) {
            if world.isRoot { _ = MPI_File_delete(temporary, cmpi_info_null()) }
            return failure
        }
        var renamed: String? = nil
        if world.isRoot && rename(temporary, path) != 0 {
            renamed = "cannot rename \(temporary) to \(path): \(String(cString: strerror(errno)))"
            _ = unlink(temporary)
        }
        return world.agree(renamed)
    }

    /// Reads this rank's block of the `.npy` file `path` (C order,
    /// little-endian float64 or float32; converted to `Scalar`). Files in
    /// another layout are read whole by every rank with `NPYFile.read`.
    static func readBlock<Scalar: DiffusionScalar>(
        _: Scalar.Type, path: String, layout: BlockLayout, world: MPIWorld, communicator: MPI_Comm?
    ) -> Result<Grid<Scalar>, DistributedFailure> {
        var header: NPYHeader? = nil
        var problem: String? = nil
        do { header = try NPYFile.readHeader(path: path) } catch { problem = error.description }
        if let failure = world.agree(problem) { return .failure(failure) }
        guard let header else { preconditionFailure("agreed header") }
        let isLittleEndianHost = 1.littleEndian == 1
        switch (header.descriptor, header.fortranOrder, isLittleEndianHost) {
        case ("<f8", false, true): return read(Double.self, header: header, path: path, layout: layout, world: world, communicator: communicator)
        case ("<f4", false, true): return read(Float.self, header: header, path: path, layout: layout, world: world, communicator: communicator)
        default:
            var grid: Grid<Scalar>? = nil
            do { grid = try NPYFile.read(path: path, as: Scalar.self) } catch { problem = error.description }
            if let failure = world.agree(problem) { return .failure(failure) }
            return .success(layout.block(of: grid!))
        }
    }

    private static func read<Stored: DiffusionScalar, Scalar: DiffusionScalar>(
        _: Stored.Type, header: NPYHeader, path: String, layout: BlockLayout, world: MPIWorld, communicator: MPI_Comm?
    ) -> Result<Grid<Scalar>, DistributedFailure> {
        let rows = header.rows, cols = header.cols
        var file: MPI_File? = cmpi_file_null()
        var code = MPI_File_open(communicator, path, cmpi_mode_rdonly(), cmpi_info_null(), &file)
        if let failure = world.agree(code == cmpi_success() ? nil : "cannot read \(path): \(MPIWorld.errorText(code))") {
            return .failure(failure)
        }
        var problem: String? = nil
        var size: MPI_Offset = 0
        MPI_File_get_size(file, &size)
        let expected = header.dataOffset + rows * cols * MemoryLayout<Stored>.size
        if Int(size) < expected {
            problem = "\(path): truncated: the header announces \(rows)×\(cols) values (\(expected - header.dataOffset) bytes) but only \(Int(size) - header.dataOffset) bytes follow"
        }
        var stored = Grid<Stored>(rows: layout.ownedRows, cols: layout.ownedCols)
        if problem == nil {
            var filetype = subarray(layout: layout, rows: rows, cols: cols, element: mpiType(Stored.self))
            code = MPI_File_set_view(file, MPI_Offset(header.dataOffset), mpiType(Stored.self), filetype, "native", cmpi_info_null())
            if code == cmpi_success() {
                code = stored.withUnsafeMutableBufferPointer { cells in
                    MPI_File_read(file, cells.baseAddress, Int32(cells.count), mpiType(Stored.self), cmpi_status_ignore())
                }
            }
            if code != cmpi_success() { problem = "cannot read \(path): \(MPIWorld.errorText(code))" }
            MPI_Type_free(&filetype)
        }
        MPI_File_close(&file)
        if let failure = world.agree(problem) { return .failure(failure) }
        return .success(Stored.self == Scalar.self ? stored as! Grid<Scalar> : stored.converted(to: Scalar.self))
    }

    /// This rank's block as a subarray of the global rows × cols array.
    private static func subarray(layout: BlockLayout, rows: Int, cols: Int, element: MPI_Datatype?) -> MPI_Datatype? {
        var sizes: [Int32] = [Int32(rows), Int32(cols)]
        var subsizes: [Int32] = [Int32(layout.ownedRows), Int32(layout.ownedCols)]
        var starts: [Int32] = [Int32(layout.rows.lowerBound), Int32(layout.cols.lowerBound)]
        var type: MPI_Datatype? = nil
        MPI_Type_create_subarray(2, &sizes, &subsizes, &starts, cmpi_order_c(), element, &type)
        MPI_Type_commit(&type)
        return type
    }

    private static func split(_ path: String) -> (folder: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[...slash]), String(path[path.index(after: slash)...]))
    }
}
#endif
