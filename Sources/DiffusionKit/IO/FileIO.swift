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
///
/// The file is opened once and everything is read through that one
/// descriptor, so `/dev/stdin`, pipes, FIFOs and `<(…)` work, and a file
/// replaced while it is being read cannot mix two files' bytes. `size` is the
/// byte count of a regular file (nil for pipes and devices), which lets
/// readers refuse lengths the file cannot hold before allocating for them.
struct InputFile: ~Copyable {
    let path: String
    private let descriptor: Int32
    /// The file's size in bytes when it is a regular file; nil otherwise.
    let size: Int?

    init(path: String) throws(DiffusionError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw .io(path: path, reason: code == ENOENT ? "no such file" : code == EISDIR ? "is a folder, not a file" : "cannot open: \(errnoMessage(code))")
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw .io(path: path, reason: "cannot open: \(errnoMessage(code))")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw .io(path: path, reason: "is a folder, not a file")
        }
        descriptor = fd
        size = (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : nil
    }

    deinit { close(descriptor) }

    /// Moves to byte `offset` of a regular file; false for pipes and on failure.
    func seek(to offset: Int) -> Bool {
        lseek(descriptor, off_t(offset), SEEK_SET) == off_t(offset)
    }

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
    ///
    /// From a regular file the whole buffer is allocated at once (the caller
    /// has checked the file is long enough); from a pipe it grows with what
    /// arrives, so a header announcing more than is sent costs no more memory
    /// than was sent. Allocation failure is an error, not a crash.
    func readValues<Value: BitwiseCopyable>(_ type: Value.Type, count: Int, zero: Value) throws(DiffusionError) -> (values: [Value], bytes: Int) {
        let width = MemoryLayout<Value>.stride
        if size != nil {
            try MemoryBudget.checkAllocation(bytes: count * width, path: path)
            var values = [Value](repeating: zero, count: count)
            let (got, code) = values.withUnsafeMutableBytes { readRaw(into: $0) }
            if code != 0 { throw .io(path: path, reason: "read failed: \(errnoMessage(code))") }
            return (values, got)
        }
        var values: [Value] = []
        var got = 0
        var piece = max(1, (1 << 20) / width)
        while values.count < count {
            let take = min(piece, count - values.count)
            try MemoryBudget.checkAllocation(bytes: (values.count + take) * width, path: path)
            let start = values.count
            values.append(contentsOf: repeatElement(zero, count: take))
            let (read, code) = values.withUnsafeMutableBytes { raw in
                readRaw(into: UnsafeMutableRawBufferPointer(rebasing: raw[(start * width) ..< ((start + take) * width)]))
            }
            if code != 0 { throw .io(path: path, reason: "read failed: \(errnoMessage(code))") }
            got += read
            if read < take * width { break }
            piece = min(piece * 2, 1 << 26)
        }
        // Short (values.count < count): the caller reports the truncation.
        return (values, got)
    }
}

/// A file written atomically: the bytes go to a hidden temporary file in the
/// same folder, which is renamed over the destination only by `commit()`.
/// A writer dropped without `commit()` (an error, an interrupted run) removes
/// its temporary file, so a destination is never left truncated.
///
/// - The temporary file is `.NAME.tmp-PID-N` (NAME shortened when the whole
///   would exceed the file system's 255-byte name limit); while it exists it
///   is in `CleanupRegistry`, so a signal handler can unlink it.
/// - A destination that is a symbolic link is written through: the link's
///   target is replaced, the link stays.
/// - The first write into a folder removes the temporary files that dead
///   processes left there (`StaleTemporaryFiles`).
final class AtomicFileWriter {
    /// The path as given (for messages).
    let path: String
    /// The file that is replaced: `path`, or the target its symbolic links lead to.
    private let destination: String
    private let temporaryPath: String
    private var descriptor: Int32
    private var pending: [UInt8] = []
    private var committed = false
    private var registration: CleanupRegistry.Token?
    private static let bufferSize = 1 << 20

    init(path: String) throws(DiffusionError) {
        self.path = path
        try Self.checkDestination(path)
        destination = Self.resolvingLinks(path)
        let (folder, _) = splitPath(destination)
        StaleTemporaryFiles.sweepOnce(folder: folder.isEmpty ? "." : folder)
        var attempt = 0
        while true {
            let candidate = Self.temporaryName(for: destination, attempt: attempt)
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
        registration = CleanupRegistry.register(file: temporaryPath)
        pending.reserveCapacity(Self.bufferSize)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
        if !committed { unlink(temporaryPath) }
        CleanupRegistry.unregister(registration)
    }

    /// The longest file name most file systems accept (`NAME_MAX`).
    static let nameLimit = 255

    /// The hidden temporary file for `destination`: `.NAME.tmp-PID-N` in the
    /// same folder, with NAME cut (at a UTF-8 character boundary) so that the
    /// name stays within `nameLimit` bytes.
    static func temporaryName(for destination: String, attempt: Int, pid: Int32 = getpid()) -> String {
        let (folder, name) = splitPath(destination)
        let suffix = ".tmp-\(pid)-\(attempt)"
        var kept = Substring(name)
        while 1 + kept.utf8.count + suffix.utf8.count > nameLimit { kept = kept.dropLast() }
        return folder + "." + kept + suffix
    }

    /// `path` with symbolic links at its end followed (up to 40, as the
    /// kernel allows): a relative target is taken relative to the link's folder.
    static func resolvingLinks(_ path: String) -> String {
        var current = path
        for _ in 0 ..< 40 {
            var info = stat()
            guard lstat(current, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK else { return current }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let length = readlink(current, &buffer, Int(PATH_MAX))
            guard length > 0 else { return current }
            let target = String(decoding: buffer[0 ..< length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = target.hasPrefix("/") ? target : splitPath(current).folder + target
        }
        return current
    }

    /// Checks that `path` can be written: its folder exists and is writable,
    /// `path` is not a folder, its name is not too long, and a file can really
    /// be created there (the temporary file is created and removed again, which
    /// catches /proc, /sys, read-only mounts and names too long once the
    /// temporary suffix is added). Call it before a long computation.
    static func checkDestination(_ path: String) throws(DiffusionError) {
        guard !path.isEmpty else { throw .io(path: path, reason: "empty output path: give a file name") }
        let target = resolvingLinks(path)
        let (folder, name) = splitPath(target)
        guard !name.isEmpty else { throw .io(path: path, reason: "names a folder, not a file") }
        guard name.utf8.count <= nameLimit else {
            throw .io(path: path, reason: "the file name is \(name.utf8.count) bytes long: at most \(nameLimit) are allowed")
        }
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
        if stat(target, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw .io(path: path, reason: "is a folder, not a file")
        }
        // Create the real temporary file once: the only test every file system agrees with.
        var attempt = 0
        while true {
            let probe = temporaryName(for: target, attempt: attempt)
            let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd >= 0 {
                close(fd)
                unlink(probe)
                return
            }
            let code = errno
            if code == EEXIST && attempt < 1000 { attempt += 1; continue }
            throw .io(path: path, reason: "cannot create a file in \(directory): \(errnoMessage(code))")
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
    ///
    /// `sync` (checkpoints) also flushes the data to the disk before the
    /// rename, so a power cut leaves the old file or the new one, never a
    /// renamed empty one; a killed process needs no sync (the page cache survives it).
    func commit(sync: Bool = false) throws(DiffusionError) {
        try flush()
        let fd = descriptor
        descriptor = -1
        if sync { _ = fsync(fd) }
        guard close(fd) == 0 else { throw .io(path: path, reason: "close failed: \(errnoMessage(errno))") }
        guard rename(temporaryPath, destination) == 0 else {
            throw .io(path: path, reason: "cannot replace: \(errnoMessage(errno))")
        }
        committed = true
        CleanupRegistry.unregister(registration)
        registration = nil
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
        guard !path.isEmpty else { throw .io(path: path, reason: "empty folder name: give a folder, e.g. --output-dir snapshots") }
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
