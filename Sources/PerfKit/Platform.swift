// Small internal helpers over the C library: reading and listing the text
// files of /proc and /sys, and C-style number formatting.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Hardware
import SystemPackage

/// Reads a whole (small) text file. /proc and /sys files report a size of 0
/// or 4096 whatever their content, so this reads until end of file instead of
/// trusting `stat`.
func readTextFile(_ path: FilePath) throws(Errno) -> String {
    let fd: FileDescriptor
    do { fd = try FileDescriptor.open(path, .readOnly, options: [.closeOnExec]) } catch { throw asErrno(error) }
    defer { try? fd.close() }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count: Int
        do { count = try chunk.withUnsafeMutableBytes { try fd.read(into: $0) } } catch { throw asErrno(error) }
        if count == 0 { break }
        bytes.append(contentsOf: chunk[0..<count])
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Writes `text` to an existing file (for /proc/self/clear_refs).
func writeTextFile(_ path: FilePath, _ text: String) throws(Errno) {
    let fd: FileDescriptor
    do { fd = try FileDescriptor.open(path, .writeOnly, options: [.closeOnExec]) } catch { throw asErrno(error) }
    defer { try? fd.close() }
    do { _ = try fd.writeAll(Array(text.utf8)) } catch { throw asErrno(error) }
}

/// The names in a directory, without "." and "..", sorted for determinism
/// (Hardware's one folder lister).
func listDirectory(_ path: FilePath) throws(Errno) -> [String] {
    do { return try SystemFiles.list(path.string) } catch { throw Errno(rawValue: error.code) }
}

/// swift-system's calls throw `any Error` whose dynamic type is `Errno`.
func asErrno(_ error: any Error) -> Errno {
    (error as? Errno) ?? .ioError
}

/// Formats one number with a C printf conversion (`%8.3f`, `%.*g`, …) in the
/// C locale, so that rounding matches perf, IPython and line_profiler exactly.
func cFormat(_ format: String, _ arguments: any CVarArg...) -> String {
    var buffer = [CChar](repeating: 0, count: 128)
    let needed = withVaList(arguments) { list in
        buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, $0.count, format, list) }
    }
    if needed >= buffer.count {
        buffer = [CChar](repeating: 0, count: Int(needed) + 1)
        _ = withVaList(arguments) { list in
            buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, $0.count, format, list) }
        }
    }
    return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}

extension String {
    /// Left-pads to `width` characters (printf's `%Ns`).
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }

    /// Right-pads to `width` characters (printf's `%-Ns`).
    func rightPadded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    /// Removes trailing spaces (perf pads its columns even on the last one).
    func trimmingTrailingSpaces() -> String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}
