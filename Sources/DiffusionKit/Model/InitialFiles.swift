import Synchronization

/// The `.npy` files of `file:` initial conditions, each opened once per process.
///
/// A problem names its initial file by path and is read twice: its shape
/// when the problem is made (`Problem.adoptingShapeOfInitialFile`), its data
/// when the field is made (`Problem.makeInitialGrid`), perhaps several times
/// (a bench makes the field once per schedule). Opening the path each time
/// would fail for `/dev/stdin`, `<(…)` and FIFOs (their bytes are gone once
/// read) and could mix two files if the path is replaced in between; so the
/// first open is kept here, and every later read goes through it.
enum InitialFiles {
    private static let sources = Mutex<[String: NPYSource]>([:])

    /// The open source for `path`, opening it on first use.
    static func source(_ path: String) throws(DiffusionError) -> NPYSource {
        if let known = sources.withLock({ $0[path] }) { return known }
        let opened = try NPYSource(path: path)
        return sources.withLock { table in
            if let raced = table[path] { return raced }
            table[path] = opened
            return opened
        }
    }
}
