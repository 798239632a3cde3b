import DiffusionKit
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A private temporary folder (`mkdtemp` in `$TMPDIR`) that is removed with
/// its contents when released — or, if the process is interrupted, by the
/// signal handling of `diffuse` (it is in `CleanupRegistry` while it exists).
final class ScratchFolder: @unchecked Sendable {
    // @unchecked: immutable after init.
    let url: URL
    private let registration: CleanupRegistry.Token?

    /// Creates `$TMPDIR/<prefix>XXXXXX`.
    ///
    /// - Throws: `DiffusionError.io` with one line naming the folder and the
    ///   reason (e.g. `TMPDIR=/proc`), never a raw Foundation error.
    init(prefix: String) throws(DiffusionError) {
        let base = FileManager.default.temporaryDirectory.path
        var template = Array(((base.hasSuffix("/") ? base : base + "/") + prefix + "XXXXXX").utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            let code = errno
            throw .io(path: base, reason: "cannot create a temporary folder there: \(String(cString: strerror(code))) (set TMPDIR to a writable folder)")
        }
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        url = URL(fileURLWithPath: path, isDirectory: true)
        registration = CleanupRegistry.register(folder: path)
    }

    deinit {
        CleanupRegistry.removeTree(url.path)
        CleanupRegistry.unregister(registration)
    }
}
