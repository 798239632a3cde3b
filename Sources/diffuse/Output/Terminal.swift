#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Standard output and error, written with write(2): each call goes out
/// whole and at once, so progress on standard error and results on standard
/// output never interleave mid-line.
enum Terminal {
    /// True when standard error is a terminal (so progress may be drawn there).
    static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Writes `text` to standard output, remembering a failure (`outputError`).
    static func standardOutput(_ text: String) {
        let code = write(text, to: STDOUT_FILENO)
        if code != 0 { outputFailure.store(code, ordering: .relaxed) }
    }

    /// Writes `text` to standard error.
    static func standardError(_ text: String) { _ = write(text, to: STDERR_FILENO) }

    /// The errno of the first failed write to standard output (a full disk,
    /// `> /dev/full`, a closed pipe), or nil: results that never arrived must
    /// not end in a success status.
    static var outputError: Int32? {
        let code = outputFailure.load(ordering: .relaxed)
        return code == 0 ? nil : code
    }

    private static let outputFailure = Atomic<Int32>(0)

    /// Writes all of `text`; returns 0 or the errno of the failure.
    private static func write(_ text: String, to descriptor: Int32) -> Int32 {
        var text = text
        return text.withUTF8 { bytes in
            var done = 0
            while done < bytes.count {
                let result = systemWrite(descriptor, bytes.baseAddress! + done, bytes.count - done)
                if result < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                done += result
            }
            return 0
        }
    }
}

#if canImport(Glibc)
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif
