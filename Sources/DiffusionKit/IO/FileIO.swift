#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The methods below are named read/write; these name the C functions.
#if canImport(Glibc)
private let systemRead = Glibc.read
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
private let systemRead = Darwin.read
private let systemWrite = Darwin.write
#endif

/// The message of the C `errno` value `code`.
func errnoMessage(_ code: Int32) -> String {
    String(cString: strerror(code))
}

/// A file opened for reading, read in exact-length pieces.
struct InputFile: ~Copyable {
    let path: String
    private let descriptor: Int32

    init(path: String) throws(DiffusionError) {
        self.path = path
        var info = stat()
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw .io(path: path, reason: "is a folder, not a file")
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw .io(path: path, reason: code == ENOENT ? "no such file" : "cannot open: \(errnoMessage(code))")
        }
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// Reads into `buffer` until it is full or the file ends; returns the
    /// number of bytes read.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(DiffusionError) -> Int {
        let (count, code) = readRaw(into: buffer)
        if code != 0 { throw .io(path: path, reason: "read failed: \(errnoMessage(code))") }
        return count
    }

    /// `read(into:)` without throwing, for use inside closures: the count and errno (0 on success).
    private func readRaw(into buffer: UnsafeMutableRawBufferPointer) -> (count: Int, errno: Int32) {
        var done = 0
        while done < buffer.count {
            let result = systemRead(descriptor, buffer.baseAddress! + done, buffer.count - done)
            if result < 0 {
                if errno == EINTR { continue }
                return (done, errno)
            }
            if result == 0 { break }
            done += result
        }
        return (done, 0)
    }

    /// Reads `count` bytes, or fewer at the end of the file.
    func read(count: Int) throws(DiffusionError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let (got, code) = bytes.withUnsafeMutableBytes { readRaw(into: $0) }
        if code != 0 { throw .io(path: path, reason: "read failed: \(errnoMessage(code))") }
        bytes.removeLast(count - got)
        return bytes
    }

    /// Reads the values of `type` that fill `count` elements, returning them
    /// and how many bytes the file actually had.
    func readValues<Value: BitwiseCopyable>(_ type: Value.Type, count: Int, zero: Value) throws(DiffusionError) -> (values: [Value], bytes: Int) {
        var values = [Value](repeating: zero, count: count)
        let (got, code) = values.withUnsafeMutableBytes { readRaw(into: $0) }
        if code != 0 { throw .io(path: path, reason: "read failed: \(errnoMessage(code))") }
        return (values, got)
    }
}

/// A file written atomically: the bytes go to a hidden temporary file in the
/// same folder, which is renamed over the destination only by `commit()`.
/// A writer dropped without `commit()` (an error, an interrupted run) removes
/// its temporary file, so a destination is never left truncated.
final class AtomicFileWriter {
    let path: String
    private let temporaryPath: String
    private var descriptor: Int32
    private var pending: [UInt8] = []
    private var committed = false
    private static let bufferSize = 1 << 20

    init(path: String) throws(DiffusionError) {
        self.path = path
        try Self.checkDestination(path)
        let (folder, name) = splitPath(path)
        var attempt = 0
        while true {
            let candidate = folder + "." + name + ".tmp-\(getpid())-\(attempt)"
            let fd = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd >= 0 {
                temporaryPath = candidate
                descriptor = fd
                break
            }
            let code = errno
            if code == EEXIST && attempt < 1000 { attempt += 1; continue }
            throw .io(path: path, reason: "cannot write in \(folder.isEmpty ? "." : folder): \(errnoMessage(code))")
        }
        pending.reserveCapacity(Self.bufferSize)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
        if !committed { unlink(temporaryPath) }
    }

    /// Checks that `path` can be written: its folder exists and is writable,
    /// and `path` is not a folder. Call it before a long computation.
    static func checkDestination(_ path: String) throws(DiffusionError) {
        guard !path.isEmpty else { throw .io(path: path, reason: "empty output path") }
        let (folder, _) = splitPath(path)
        let directory = folder.isEmpty ? "." : folder.count > 1 ? String(folder.dropLast()) : folder
        var info = stat()
        guard stat(directory, &info) == 0 else {
            throw .io(path: path, reason: "folder \(directory) does not exist")
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw .io(path: path, reason: "\(directory) is not a folder")
        }
        guard access(directory, W_OK) == 0 else {
            throw .io(path: path, reason: "folder \(directory) is not writable")
        }
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw .io(path: path, reason: "is a folder, not a file")
        }
    }

    func write(_ bytes: some Sequence<UInt8>) throws(DiffusionError) {
        pending.append(contentsOf: bytes)
        if pending.count >= Self.bufferSize { try flush() }
    }

    func write(_ text: String) throws(DiffusionError) {
        try write(text.utf8)
    }

    /// Writes raw memory without copying it into the buffer.
    func write(raw: UnsafeRawBufferPointer) throws(DiffusionError) {
        try flush()
        try writeAll(raw)
    }

    private func flush() throws(DiffusionError) {
        guard !pending.isEmpty else { return }
        let code = pending.withUnsafeBytes { writeRaw($0) }
        pending.removeAll(keepingCapacity: true)
        if code != 0 { throw .io(path: path, reason: "write failed: \(errnoMessage(code))") }
    }

    private func writeAll(_ raw: UnsafeRawBufferPointer) throws(DiffusionError) {
        let code = writeRaw(raw)
        if code != 0 { throw .io(path: path, reason: "write failed: \(errnoMessage(code))") }
    }

    /// Writes all of `raw`; returns 0 or the errno of the failure.
    private func writeRaw(_ raw: UnsafeRawBufferPointer) -> Int32 {
        var done = 0
        while done < raw.count {
            let result = systemWrite(descriptor, raw.baseAddress! + done, raw.count - done)
            if result < 0 {
                if errno == EINTR { continue }
                return errno
            }
            done += result
        }
        return 0
    }

    /// Flushes, closes and renames the temporary file over the destination.
    func commit() throws(DiffusionError) {
        try flush()
        let fd = descriptor
        descriptor = -1
        guard close(fd) == 0 else { throw .io(path: path, reason: "close failed: \(errnoMessage(errno))") }
        guard rename(temporaryPath, path) == 0 else {
            throw .io(path: path, reason: "cannot replace: \(errnoMessage(errno))")
        }
        committed = true
    }
}

/// Splits a path into its folder (with the trailing slash, or empty) and name.
func splitPath(_ path: String) -> (folder: String, name: String) {
    guard let slash = path.lastIndex(of: "/") else { return ("", path) }
    return (String(path[...slash]), String(path[path.index(after: slash)...]))
}

/// Filesystem helpers the command line needs for snapshot folders.
public enum OutputFolder {
    /// Creates `path` if it does not exist (its parent must), and checks it is
    /// a writable folder.
    public static func prepare(_ path: String) throws(DiffusionError) {
        var info = stat()
        if stat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else { throw .io(path: path, reason: "exists and is not a folder") }
        } else {
            let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
            let (parent, _) = splitPath(trimmed)
            let parentFolder = parent.isEmpty ? "." : parent
            guard stat(parentFolder, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
                throw .io(path: path, reason: "folder \(parentFolder) does not exist")
            }
            guard mkdir(path, 0o755) == 0 else {
                throw .io(path: path, reason: "cannot create folder: \(errnoMessage(errno))")
            }
        }
        guard access(path, W_OK) == 0 else { throw .io(path: path, reason: "folder is not writable") }
    }

    /// Checks that a file can be written at `path` (its folder exists and is writable).
    public static func checkWritable(file path: String) throws(DiffusionError) {
        try AtomicFileWriter.checkDestination(path)
    }
}
