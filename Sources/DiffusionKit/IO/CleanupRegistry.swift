#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// What this process must remove or stop if it is interrupted: the hidden
/// temporary files of writes in flight, temporary folders, and child processes.
///
/// A signal handler may run at any instruction, on any thread, so the parts
/// it calls (`removeFilesNow`, `stopChildrenNow`) only read fixed slots with
/// atomic loads and call `unlink(2)` and `kill(2)`, which POSIX lists as
/// async-signal-safe; they never allocate, lock or touch Swift reference
/// counts. Registration (ordinary code) claims a free slot with a
/// compare-and-exchange, copies the path into the slot's own buffer, then
/// publishes it; the handler only sees published slots.
///
/// Capacity is fixed (`capacity` paths of each kind, `capacity` children): a
/// registration beyond it is not remembered, which loses only the clean-up
/// after a signal, never a write. Paths longer than `PATH_MAX` are likewise
/// not remembered.
public enum CleanupRegistry {
    /// Slots per kind.
    public static let capacity = 64

    /// A registered path, for `unregister`.
    public struct Token: Sendable, Equatable {
        fileprivate let slot: Int
        fileprivate let kind: Kind
    }

    fileprivate enum Kind: Sendable { case file, folder }

    /// Remembers a temporary file to unlink if the process is interrupted.
    public static func register(file path: String) -> Token? { files.register(path).map { Token(slot: $0, kind: .file) } }

    /// Remembers a temporary folder to remove (with its contents) if the process is interrupted.
    public static func register(folder path: String) -> Token? { folders.register(path).map { Token(slot: $0, kind: .folder) } }

    /// Forgets a path: it was committed, renamed or removed normally.
    public static func unregister(_ token: Token?) {
        guard let token else { return }
        switch token.kind {
        case .file: files.release(token.slot)
        case .folder: folders.release(token.slot)
        }
    }

    /// Remembers a child process (also its process group, if it leads one) to stop if interrupted.
    public static func register(child pid: Int32) {
        guard pid > 0 else { return }
        for slot in 0 ..< capacity where children[slot].compareExchange(expected: 0, desired: pid, ordering: .acquiringAndReleasing).exchanged {
            return
        }
    }

    /// Forgets a child process that has ended.
    public static func unregister(child pid: Int32) {
        guard pid > 0 else { return }
        for slot in 0 ..< capacity where children[slot].compareExchange(expected: pid, desired: 0, ordering: .acquiringAndReleasing).exchanged {
            return
        }
    }

    /// Makes sure the slots exist, so that a signal handler never runs their
    /// one-time initialisation. Call it before installing a handler.
    public static func prepare() {
        _ = files.count
        _ = folders.count
        _ = children[0].load(ordering: .relaxed)
    }

    /// The registered temporary files (for tests and diagnostics).
    static var registeredFiles: [String] {
        var paths: [String] = []
        files.forEachPublished { paths.append(String(cString: $0)) }
        return paths
    }

    /// Unlinks every registered temporary file. Async-signal-safe.
    public static func removeFilesNow() {
        files.forEachPublished { path in _ = unlink(path) }
    }

    /// Sends `signal` to every registered child and to the process group it
    /// leads, if any (a child not leading a group makes `kill(-pid)` fail
    /// harmlessly with ESRCH). Async-signal-safe.
    public static func stopChildrenNow(signal: Int32 = SIGKILL) {
        for slot in 0 ..< capacity {
            let pid = children[slot].load(ordering: .acquiring)
            if pid > 0 {
                _ = kill(-pid, signal)
                _ = kill(pid, signal)
            }
        }
    }

    /// True when a temporary folder is registered (its removal is not
    /// async-signal-safe, so a handler defers it to `removeFoldersNow`).
    /// Async-signal-safe.
    public static var hasFoldersNow: Bool {
        var any = false
        folders.forEachPublished { _ in any = true }
        return any
    }

    /// Removes every registered temporary folder with its contents (not
    /// following symbolic links). Not async-signal-safe: call it from a thread.
    public static func removeFoldersNow() {
        var paths: [String] = []
        folders.forEachPublished { paths.append(String(cString: $0)) }
        for path in paths { removeTree(path) }
    }

    /// Removes `path` and, if it is a folder, everything inside it; symbolic
    /// links are removed, never followed.
    public static func removeTree(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            if let directory = opendir(path) {
                var names: [String] = []
                while let entry = readdir(directory) {
                    let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                        String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
                    }
                    if name != "." && name != ".." { names.append(name) }
                }
                closedir(directory)
                for name in names { removeTree(path + "/" + name) }
            }
            _ = rmdir(path)
        } else {
            _ = unlink(path)
        }
    }

    private static let files = PathSlots(capacity: capacity)
    private static let folders = PathSlots(capacity: capacity)
    nonisolated(unsafe) private static let children: UnsafeMutablePointer<Atomic<Int32>> = {
        let slots = UnsafeMutablePointer<Atomic<Int32>>.allocate(capacity: capacity)
        for slot in 0 ..< capacity { (slots + slot).initialize(to: Atomic(0)) }
        return slots
    }()
}

/// Fixed slots, each a state word and a `PATH_MAX` buffer: 0 free, 1 being
/// written, 2 published. Never freed (they live as long as the process).
private final class PathSlots: @unchecked Sendable {
    // @unchecked: every shared access goes through the atomic states; a
    // buffer is written only by the thread that claimed its slot (state 1).
    let count: Int
    private let states: UnsafeMutablePointer<Atomic<Int>>
    private let buffers: UnsafeMutablePointer<CChar>
    private static let bufferSize = Int(PATH_MAX)

    init(capacity: Int) {
        count = capacity
        states = .allocate(capacity: capacity)
        for slot in 0 ..< capacity { (states + slot).initialize(to: Atomic(0)) }
        buffers = .allocate(capacity: capacity * Self.bufferSize)
    }

    func register(_ path: String) -> Int? {
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, bytes.count < Self.bufferSize, !bytes.contains(0) else { return nil }
        for slot in 0 ..< count where states[slot].compareExchange(expected: 0, desired: 1, ordering: .acquiringAndReleasing).exchanged {
            let buffer = buffers + slot * Self.bufferSize
            bytes.withUnsafeBufferPointer { source in
                UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress!, byteCount: source.count)
            }
            buffer[bytes.count] = 0
            states[slot].store(2, ordering: .releasing)
            return slot
        }
        return nil
    }

    func release(_ slot: Int) {
        states[slot].store(0, ordering: .releasing)
    }

    /// Calls `body` with each published path. Async-signal-safe when `body` is.
    func forEachPublished(_ body: (UnsafePointer<CChar>) -> Void) {
        for slot in 0 ..< count where states[slot].load(ordering: .acquiring) == 2 {
            body(buffers + slot * Self.bufferSize)
        }
    }
}
