/// A checkpoint: a field part-way through a run, with everything needed to go on.
///
/// ## The file
///
/// A NumPy `.npz` archive (a zip file, members stored uncompressed, each with
/// its CRC-32), so `numpy.load("run.ckpt.npz")["field"]` reads the field:
///
/// | member      | holds                                                      |
/// |-------------|------------------------------------------------------------|
/// | `meta.json` | one JSON object: `format` ("diffuse-checkpoint"), `version`, `step`, `iterations`, the problem (`rows`, `cols`, `diffusivity`, `dt`, `dx`, `boundary`, `initial`, `precision`), `schedule`, `field_crc32` |
/// | `field.npy` | the field: a C-order `<f8` or `<f4` `.npy` (format 1.0)   |
///
/// `meta.json` comes first and is small; `field.npy` may exceed 4 GiB (zip64
/// extra fields then carry its sizes). One file rather than `.npy` plus a
/// sidecar: a single atomic rename replaces field and metadata together, so
/// no moment exists where one is new and the other old.
///
/// ## Guarantees
///
/// Written through `AtomicFileWriter` and synced before the rename: a
/// process killed at any moment (SIGKILL included) leaves the previous
/// checkpoint whole. Reading refuses, each with a one-line reason, a file
/// that is not a checkpoint, one from a newer format version, a truncated
/// one, and one whose checksums or shapes disagree; and it checks every
/// length against the file's size before allocating.
public enum CheckpointFile {
    /// The format version this build writes and the newest it reads.
    public static let formatVersion = 1
    /// The `format` value of `meta.json`.
    public static let formatName = "diffuse-checkpoint"
    /// The most metadata accepted, in bytes.
    static let maximumMetadataBytes = 1 << 16

    /// What a checkpoint says besides the field.
    public struct Info: Sendable, Equatable {
        /// The problem being stepped (its `initial` is only a description once resumed).
        public var problem: Problem
        /// Steps taken when the field was saved.
        public var step: Int
        /// The step the run was asked to reach.
        public var iterations: Int
        /// The schedule that stepped it (the resolved one, never `auto`).
        public var schedule: String

        public init(problem: Problem, step: Int, iterations: Int, schedule: String) {
            self.problem = problem
            self.step = step
            self.iterations = iterations
            self.schedule = schedule
        }
    }

    /// The field of a checkpoint, in the precision it was saved in.
    public enum Field: Sendable {
        case double(Grid<Double>)
        case float(Grid<Float>)
    }

    // MARK: Writing

    /// Writes `grid` and `info` to `path` atomically.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    public static func write<Scalar: DiffusionScalar>(_ grid: Grid<Scalar>, info: Info, to path: String) throws(DiffusionError) {
        precondition(grid.rows == info.problem.rows && grid.cols == info.problem.cols && Scalar.precision == info.problem.precision)
        let npyHeader = NPYHeader.encode(descriptor: Scalar.precision.numpyDescriptor, shape: [grid.rows, grid.cols])
        var crc = CRC32()
        npyHeader.withUnsafeBytes { crc.update($0) }
        let dataBytes = grid.count * MemoryLayout<Scalar>.size
        let littleEndianCopy: [UInt8]? = isBigEndianHost ? littleEndian(grid) : nil
        if let littleEndianCopy {
            littleEndianCopy.withUnsafeBytes { crc.update($0) }
        } else {
            grid.withUnsafeBufferPointer { crc.update(UnsafeRawBufferPointer($0)) }
        }
        let fieldCRC = crc.value
        let metadata = Array(metadataJSON(info, fieldCRC: fieldCRC).utf8)

        var zip = ZipLayout()
        let writer = try AtomicFileWriter(path: path)
        try writer.write(zip.localHeader(name: "meta.json", crc: CRC32.checksum(metadata), size: metadata.count))
        try writer.write(metadata)
        try writer.write(zip.localHeader(name: "field.npy", crc: fieldCRC, size: npyHeader.count + dataBytes))
        try writer.write(npyHeader)
        if let littleEndianCopy {
            try writer.write(littleEndianCopy)
        } else {
            try grid.withUnsafeBufferPointer { (cells) throws(DiffusionError) in
                try writer.write(raw: UnsafeRawBufferPointer(cells))
            }
        }
        try writer.write(zip.centralDirectory())
        try writer.commit(sync: true)
    }

    private static func littleEndian<Scalar: DiffusionScalar>(_ grid: Grid<Scalar>) -> [UInt8] {
        var bytes: [UInt8] = []
        grid.withUnsafeBufferPointer { cells in
            for value in cells { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        }
        return bytes
    }

    /// The `meta.json` text.
    static func metadataJSON(_ info: Info, fieldCRC: UInt32) -> String {
        let p = info.problem
        let fields: [(String, String)] = [
            ("format", JSONText.string(formatName)),
            ("version", String(formatVersion)),
            ("step", String(info.step)),
            ("iterations", String(info.iterations)),
            ("rows", String(p.rows)),
            ("cols", String(p.cols)),
            ("diffusivity", p.diffusivity.description),
            ("dt", p.dt.description),
            ("dx", p.dx.description),
            ("boundary", JSONText.string(p.boundary.description)),
            ("initial", JSONText.string(p.initial.description)),
            ("precision", JSONText.string(p.precision.rawValue)),
            ("schedule", JSONText.string(info.schedule)),
            ("field_crc32", String(fieldCRC)),
        ]
        return "{" + fields.map { "\(JSONText.string($0.0)): \($0.1)" }.joined(separator: ", ") + "}\n"
    }

    // MARK: Reading

    /// Reads and checks the checkpoint at `path`.
    public static func read(path: String) throws(DiffusionError) -> (info: Info, field: Field) {
        let file = try InputFile(path: path)
        func refuse(_ reason: String) -> DiffusionError { .checkpoint(path: path, reason: reason) }
        var position = 0

        // meta.json
        let metaEntry = try readLocalHeader(file, at: &position, path: path)
        guard metaEntry.name == "meta.json" else { throw refuse("not a diffuse checkpoint: its first member is not meta.json") }
        guard metaEntry.size <= maximumMetadataBytes else { throw refuse("corrupt: meta.json claims \(metaEntry.size) bytes") }
        if let size = file.size, size - position < metaEntry.size { throw refuse("truncated in meta.json") }
        let metadata = try file.read(count: metaEntry.size)
        guard metadata.count == metaEntry.size else { throw refuse("truncated in meta.json") }
        position += metadata.count
        guard CRC32.checksum(metadata) == metaEntry.crc else { throw refuse("corrupt: the checksum of meta.json does not match") }
        let info: Info
        let fieldCRC: UInt32
        do {
            (info, fieldCRC) = try parseMetadata(metadata)
        } catch let failure {
            throw refuse(failure.message)
        }

        // field.npy
        let fieldEntry = try readLocalHeader(file, at: &position, path: path)
        guard fieldEntry.name == "field.npy" else { throw refuse("corrupt: the second member is not field.npy") }
        guard fieldEntry.crc == fieldCRC else { throw refuse("corrupt: field.npy's checksum differs from the one meta.json records") }
        // The field's .npy header must be exactly the one this problem gets
        // (diffuse writes nothing else), which also puts it under the CRC.
        let precision = info.problem.precision
        let expectedHeader = NPYHeader.encode(descriptor: precision.numpyDescriptor, shape: [info.problem.rows, info.problem.cols])
        let headerBytes = try file.read(count: expectedHeader.count)
        guard headerBytes == expectedHeader else {
            throw refuse(headerBytes.count < expectedHeader.count ? "truncated in field.npy's header"
                : "corrupt: field.npy's header does not match meta.json (\(info.problem.rows)×\(info.problem.cols) \(precision))")
        }
        position += expectedHeader.count
        let dataBytes = info.problem.cellCount * precision.byteWidth
        guard fieldEntry.size == expectedHeader.count + dataBytes else { throw refuse("corrupt: field.npy's size does not match its shape") }
        if let size = file.size, size - position < dataBytes { throw refuse("truncated: the field needs \(dataBytes) bytes, \(max(0, size - position)) follow") }

        var crc = CRC32()
        expectedHeader.withUnsafeBytes { crc.update($0) }
        let field: Field
        switch precision {
        case .double: field = .double(try readField(file, info: info, crc: &crc, path: path))
        case .float: field = .float(try readField(file, info: info, crc: &crc, path: path))
        }
        guard crc.value == fieldCRC else { throw refuse("corrupt: the field's checksum does not match (the file was damaged)") }
        position += dataBytes

        // The central directory must follow: a file cut after the field is truncated.
        let tail = try file.read(count: 4096)
        guard tail.count >= 4, Array(tail[0 ..< 4]) == [0x50, 0x4B, 0x01, 0x02],
              tail.count >= 22, Array(tail[(tail.count - 22) ..< (tail.count - 18)]) == [0x50, 0x4B, 0x05, 0x06]
        else { throw refuse("truncated: the zip directory after the field is missing") }
        return (info, field)
    }

    private static func readField<Scalar: DiffusionScalar>(
        _ file: borrowing InputFile, info: Info, crc: inout CRC32, path: String
    ) throws(DiffusionError) -> Grid<Scalar> {
        var grid = try Grid<Scalar>(allocating: info.problem.rows, cols: info.problem.cols)
        let expected = grid.count * MemoryLayout<Scalar>.size
        let got = try grid.withUnsafeMutableBufferPointer { (cells) throws(DiffusionError) -> Int in
            let raw = UnsafeMutableRawBufferPointer(cells)
            let got = try file.read(into: raw)
            crc.update(UnsafeRawBufferPointer(rebasing: raw[0 ..< got]))
            return got
        }
        guard got == expected else {
            throw .checkpoint(path: path, reason: "truncated: the field needs \(expected) bytes, \(got) follow")
        }
        if isBigEndianHost {
            grid.withUnsafeMutableBufferPointer { cells in
                for index in cells.indices { cells[index] = Scalar(bitPattern: cells[index].bitPattern.byteSwapped) }
            }
        }
        return grid
    }

    private struct Entry {
        var name: String
        var crc: UInt32
        var size: Int
    }

    /// Reads a zip local file header at `position` (stored, no data descriptor).
    private static func readLocalHeader(_ file: borrowing InputFile, at position: inout Int, path: String) throws(DiffusionError) -> Entry {
        func refuse(_ reason: String) -> DiffusionError { .checkpoint(path: path, reason: reason) }
        let fixed = try file.read(count: 30)
        guard fixed.count == 30 else {
            throw refuse(position == 0 ? "not a diffuse checkpoint (too short to be a zip/.npz file)" : "truncated: a member is cut off")
        }
        func u16(_ at: Int) -> Int { Int(fixed[at]) | Int(fixed[at + 1]) << 8 }
        func u32(_ at: Int) -> UInt32 { UInt32(fixed[at]) | UInt32(fixed[at + 1]) << 8 | UInt32(fixed[at + 2]) << 16 | UInt32(fixed[at + 3]) << 24 }
        guard u32(0) == 0x0403_4B50 else {
            throw refuse(position == 0 ? "not a diffuse checkpoint (not a zip/.npz file)" : "corrupt: a zip member header is damaged")
        }
        guard u16(8) == 0 else { throw refuse("not a diffuse checkpoint: its members are compressed (diffuse writes them stored)") }
        guard u16(6) == 0 else { throw refuse("not a diffuse checkpoint: its members have flags diffuse never sets (encrypted, streamed or re-zipped)") }
        let nameLength = u16(26), extraLength = u16(28)
        let variable = try file.read(count: nameLength + extraLength)
        guard variable.count == nameLength + extraLength else { throw refuse("truncated: a member header is cut off") }
        position += 30 + nameLength + extraLength
        let name = String(decoding: variable[0 ..< nameLength], as: UTF8.self)
        var size = Int(u32(22))
        let compressed = Int(u32(18))
        guard size == compressed else { throw refuse("corrupt: a stored member's sizes differ") }
        if u32(22) == 0xFFFF_FFFF {
            // zip64: the extra field 0x0001 holds the uncompressed then compressed size.
            var index = nameLength
            var found: Int?
            while index + 4 <= variable.count {
                let id = Int(variable[index]) | Int(variable[index + 1]) << 8
                let length = Int(variable[index + 2]) | Int(variable[index + 3]) << 8
                if id == 1, length >= 8, index + 4 + 8 <= variable.count {
                    var value: UInt64 = 0
                    for k in 0 ..< 8 { value |= UInt64(variable[index + 4 + k]) << (8 * k) }
                    found = value > UInt64(Int.max / 2) ? nil : Int(value)
                    break
                }
                index += 4 + length
            }
            guard let found else { throw refuse("corrupt: a zip64 member without its sizes") }
            size = found
        }
        return Entry(name: name, crc: u32(14), size: size)
    }

    struct MetadataFailure: Error { var message: String }

    /// The problem and step a `meta.json` holds, and the field's CRC.
    static func parseMetadata(_ bytes: [UInt8]) throws(MetadataFailure) -> (Info, UInt32) {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw MetadataFailure(message: "corrupt: meta.json is not UTF-8 text") }
        let object: [String: JSONText.Value]
        do { object = try JSONText.parseFlatObject(text) } catch { throw MetadataFailure(message: "corrupt: meta.json: \(error.message)") }
        guard case .string(let format)? = object["format"], format == formatName else {
            throw MetadataFailure(message: "not a diffuse checkpoint (meta.json has no format \"\(formatName)\")")
        }
        guard case .number(let version)? = object["version"], version == version.rounded(), version >= 1 else {
            throw MetadataFailure(message: "corrupt: meta.json has no format version")
        }
        guard version <= Double(formatVersion) else {
            throw MetadataFailure(message: "written by a newer diffuse (checkpoint format \(Int(version)); this diffuse reads format \(formatVersion) and older): upgrade diffuse")
        }
        func integer(_ key: String, minimum: Int) throws(MetadataFailure) -> Int {
            guard case .number(let value)? = object[key], value == value.rounded(), value >= Double(minimum), value < 9e15 else {
                throw MetadataFailure(message: "corrupt: meta.json's \(key) is missing or not a whole number ≥ \(minimum)")
            }
            return Int(value)
        }
        func real(_ key: String) throws(MetadataFailure) -> Double {
            guard case .number(let value)? = object[key] else { throw MetadataFailure(message: "corrupt: meta.json's \(key) is missing") }
            return value
        }
        func string(_ key: String) throws(MetadataFailure) -> String {
            guard case .string(let value)? = object[key] else { throw MetadataFailure(message: "corrupt: meta.json's \(key) is missing") }
            return value
        }
        let problem: Problem
        do {
            problem = Problem(
                rows: try integer("rows", minimum: Problem.minimumSide), cols: try integer("cols", minimum: Problem.minimumSide),
                diffusivity: try real("diffusivity"), dt: try real("dt"), dx: try real("dx"),
                boundary: try Boundary(parsing: try string("boundary")),
                initial: try InitialCondition(parsing: try string("initial")),
                precision: try Precision(parsing: try string("precision")))
            try problem.validate(allowUnstable: true)
        } catch let failure as MetadataFailure {
            throw failure
        } catch {
            throw MetadataFailure(message: "corrupt: meta.json describes an invalid problem (\(error))")
        }
        let step = try integer("step", minimum: 0)
        let iterations = try integer("iterations", minimum: 0)
        let crc = try integer("field_crc32", minimum: 0)
        guard crc <= Int(UInt32.max) else { throw MetadataFailure(message: "corrupt: meta.json's field_crc32 is out of range") }
        return (Info(problem: problem, step: step, iterations: iterations, schedule: try string("schedule")), UInt32(crc))
    }
}
