#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call: its errno.
public struct SystemError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The errno value.
    public var code: Int32
    /// What was being done ("list /sys/devices/system/cpu").
    public var operation: String

    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
    }

    public var description: String { "cannot \(operation): \(String(cString: strerror(code)))" }
}

/// Reading the small text files of /proc and /sys, and the names in a folder.
public enum SystemFiles {
    /// A whole small text file, or nil if it cannot be read. /proc and /sys
    /// report sizes of 0 or 4096 whatever their content, so this reads until
    /// the end of the file instead of trusting `stat`.
    public static func read(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0 ..< count])
        }
        if ferror(file) != 0 { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The names in a folder, without "." and "..", sorted.
    public static func list(_ path: String) throws(SystemError) -> [String] {
        guard let folder = opendir(path) else { throw SystemError(code: errno, operation: "list \(path)") }
        defer { closedir(folder) }
        var names: [String] = []
        while let entry = readdir(folder) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) {
                    String(cString: $0)
                }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}
