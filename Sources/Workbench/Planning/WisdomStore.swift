import DiffusionKit
import Foundation

/// The wisdom file: where it is, reading it without ever failing, and
/// updating it atomically under a lock.
///
/// - Where: `--wisdom FILE`, else `$XDG_CACHE_HOME/diffuse/wisdom.json`,
///   else `~/.cache/diffuse/wisdom.json` (the XDG base-directory rule).
/// - Reading never fails: a missing file is empty wisdom; an unreadable,
///   corrupt, foreign-format or stale one is empty wisdom and one warning
///   line. A plan is only ever an optimisation, so bad wisdom must not stop
///   a run.
/// - Writing is a read-modify-write under an exclusive `flock` on
///   `FILE.lock` (a lock file of its own, so that the lock survives the
///   rename of the data file): the current file is read again under the
///   lock, the new entries merged in, and the result written to a temporary
///   file in the same folder and renamed over the old one. Readers take no
///   lock: rename is atomic, so they see the old file or the new, never a
///   half-written one; two writers take turns, and neither loses the other's
///   entries.
public struct WisdomStore: Sendable {
    /// The wisdom file's path.
    public var path: String

    public init(path: String) {
        self.path = path
    }

    /// The store at `explicitPath`, else the default place for `environment`.
    public init(explicitPath: String?, environment: [String: String] = ProcessInfo.processInfo.environment) {
        path = explicitPath ?? Self.defaultPath(environment: environment)
    }

    /// `$XDG_CACHE_HOME/diffuse/wisdom.json` when XDG_CACHE_HOME is an
    /// absolute path (the spec ignores relative ones), else
    /// `$HOME/.cache/diffuse/wisdom.json`, else `.cache/diffuse/wisdom.json`
    /// in the current folder.
    public static func defaultPath(environment: [String: String]) -> String {
        if let cache = environment["XDG_CACHE_HOME"], cache.hasPrefix("/") {
            return cache + "/diffuse/wisdom.json"
        }
        if let home = environment["HOME"], !home.isEmpty {
            return home + "/.cache/diffuse/wisdom.json"
        }
        return ".cache/diffuse/wisdom.json"
    }

    /// What reading the file gave.
    public struct Reading: Sendable {
        /// The usable wisdom (empty when the file is missing or bad).
        public var wisdom: Wisdom
        /// One line saying why the file was ignored; nil when it was not.
        public var warning: String?
    }

    /// Reads the file; never throws (see the type's comment).
    public func read() -> Reading {
        guard FileManager.default.fileExists(atPath: path) else { return Reading(wisdom: Wisdom(), warning: nil) }
        guard let data = FileManager.default.contents(atPath: path) else {
            return Reading(wisdom: Wisdom(), warning: ignored("cannot be read"))
        }
        let wisdom: Wisdom
        do {
            wisdom = try JSONDecoder().decode(Wisdom.self, from: data)
        } catch {
            return Reading(wisdom: Wisdom(), warning: ignored("is not valid wisdom JSON"))
        }
        if let problem = wisdom.problem {
            return Reading(wisdom: Wisdom(), warning: ignored("is \(problem)"))
        }
        return Reading(wisdom: wisdom, warning: nil)
    }

    private func ignored(_ what: String) -> String {
        "wisdom file \(path) \(what); ignored (run `diffuse tune` to write a new one)"
    }

    /// Adds `entries` to the file under the lock (see the type's comment),
    /// replacing entries for the same machine and workload class. Returns
    /// the warning of a bad file that was replaced, if any.
    ///
    /// - Throws: `DiffusionError.io` when the folder cannot be created or
    ///   the file cannot be locked or written; the old file is then intact.
    @discardableResult
    public func record(_ entries: [Wisdom.Entry]) throws -> String? {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw DiffusionError.io(path: path, reason: "cannot create the folder \(folder)")
            }
        }
        let lockPath = path + ".lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw DiffusionError.io(path: lockPath, reason: "cannot open the lock file: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw DiffusionError.io(path: lockPath, reason: "cannot lock: \(String(cString: strerror(errno)))")
            }
        }
        defer { flock(descriptor, LOCK_UN) }
        let reading = read()
        var wisdom = reading.wisdom
        for entry in entries { wisdom.record(entry) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(wisdom)
        // Atomically, flushed to the disk: a later run plans from it.
        try TextFile.write(String(decoding: data, as: UTF8.self), to: path, sync: true)
        return reading.warning
    }
}
