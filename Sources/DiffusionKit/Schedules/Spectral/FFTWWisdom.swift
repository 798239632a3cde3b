#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// FFTW's wisdom (its record of the fastest plans it has measured), kept
/// between runs in the user's cache folder:
///
///     $XDG_CACHE_HOME/diffuse/fftw-wisdom     (double)
///     $XDG_CACHE_HOME/diffuse/fftwf-wisdom    (float)
///
/// or `~/.cache/diffuse/…` when `XDG_CACHE_HOME` is unset. A missing,
/// unreadable or corrupt file is ignored (FFTW then plans afresh); the file is
/// written to a temporary name in the same folder and renamed over the old
/// one, so a reader never sees half a file and a crash never corrupts it.
enum FFTWWisdom {
    /// The wisdom file for `precision` under `environment`'s cache folder, or
    /// nil when neither `XDG_CACHE_HOME` nor `HOME` is set.
    static func file(for precision: Precision, environment: (String) -> String? = Self.environment) -> String? {
        let cache: String
        if let xdg = environment("XDG_CACHE_HOME"), xdg.hasPrefix("/") {
            cache = xdg
        } else if let home = environment("HOME"), !home.isEmpty {
            cache = home + "/.cache"
        } else {
            return nil
        }
        return cache + "/diffuse/" + (precision == .double ? "fftw-wisdom" : "fftwf-wisdom")
    }

    static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    /// Adds the wisdom in `path` to `library`'s; false when the file is
    /// missing or FFTW rejects it. Call while holding `library.planner`.
    @discardableResult
    static func load(into library: FFTWLibrary, from path: String) -> Bool {
        guard access(path, R_OK) == 0 else { return false }
        return library.importWisdom(path) != 0
    }

    /// Writes `library`'s wisdom to `path` atomically, creating the folder;
    /// false when it could not (a read-only home is not an error worth a
    /// failed run). Call while holding `library.planner`.
    @discardableResult
    static func save(from library: FFTWLibrary, to path: String) -> Bool {
        guard let slash = path.lastIndex(of: "/") else { return false }
        let folder = String(path[..<slash])
        guard makeFolders(folder) else { return false }
        let temporary = "\(path).tmp-\(getpid())"
        guard library.exportWisdom(temporary) != 0 else {
            unlink(temporary)
            return false
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            return false
        }
        return true
    }

    /// `mkdir -p folder`.
    private static func makeFolders(_ folder: String) -> Bool {
        var isFolder = stat()
        if stat(folder, &isFolder) == 0 { return (isFolder.st_mode & S_IFMT) == S_IFDIR }
        if let slash = folder.lastIndex(of: "/"), slash != folder.startIndex {
            guard makeFolders(String(folder[..<slash])) else { return false }
        }
        return mkdir(folder, 0o755) == 0 || errno == EEXIST
    }
}
