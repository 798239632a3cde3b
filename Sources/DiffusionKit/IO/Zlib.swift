import CZlib

/// zlib streams (RFC 1950: a two-byte header, deflate data, Adler-32), made
/// and read by the system's zlib, for PNG's IDAT and APNG's fdAT chunks.
///
/// zlib is the library every PNG encoder uses; it is on every Linux (Debian
/// `zlib1g-dev`, which Swift's own Linux prerequisites list) and in the
/// macOS SDK, so linking it costs no package dependency.
public enum Zlib {
    /// The zlib stream of `data` at compression `level` (0: stored, 1: fastest, 9: smallest).
    ///
    /// Never fails for valid input: the output buffer is `compressBound`
    /// bytes, which zlib guarantees is enough for any data.
    public static func compress(_ data: [UInt8], level: Int32 = 6) -> [UInt8] {
        precondition((0 ... 9).contains(level), "zlib levels are 0 to 9")
        let capacity = Int(compressBound(uLong(data.count)))
        var output = [UInt8](repeating: 0, count: capacity)
        var length = uLongf(capacity)
        let status = output.withUnsafeMutableBufferPointer { out in
            data.withUnsafeBufferPointer { input in
                compress2(out.baseAddress, &length, input.baseAddress, uLong(input.count), level)
            }
        }
        // Z_MEM_ERROR is the only failure left with a large-enough buffer:
        // out of memory, which Swift's own allocations treat as fatal too.
        precondition(status == Z_OK, "zlib compress2 failed with status \(status)")
        output.removeLast(capacity - Int(length))
        return output
    }

    /// The bytes a zlib stream holds, which must be exactly `size` bytes.
    ///
    /// - Throws: `DiffusionError.io` naming `source` when the stream is
    ///   corrupt, truncated, or inflates to another size.
    public static func decompress(_ stream: [UInt8], size: Int, source: String = "zlib stream") throws(DiffusionError) -> [UInt8] {
        // One byte more than expected, so a stream that is too long shows as such.
        var output = [UInt8](repeating: 0, count: size + 1)
        var length = uLongf(size + 1)
        let status = output.withUnsafeMutableBufferPointer { out in
            stream.withUnsafeBufferPointer { input in
                uncompress(out.baseAddress, &length, input.baseAddress, uLong(input.count))
            }
        }
        switch status {
        case Z_OK where Int(length) == size:
            output.removeLast()
            return output
        case Z_OK, Z_BUF_ERROR:
            throw .io(path: source, reason: "the zlib stream does not hold \(size) bytes")
        default:
            throw .io(path: source, reason: "corrupt zlib stream (zlib status \(status))")
        }
    }

    /// The version of the zlib linked, e.g. "1.2.13".
    public static var version: String { String(cString: zlibVersion()) }
}
