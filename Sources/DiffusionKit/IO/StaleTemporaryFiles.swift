#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Removing the hidden temporary files that killed processes left behind.
///
/// `AtomicFileWriter` names its temporary files `.NAME.tmp-PID-N`. A process
/// killed with SIGKILL (or by a crash) cannot remove its own; the next
/// process that writes into the same folder removes every such file whose
/// PID names no living process (`kill(pid, 0)` fails with ESRCH). A file of
/// a living process — another `diffuse` writing there now — is left alone,
/// and so is anything that does not match the pattern exactly.
///
/// PIDs are per machine: two machines writing into one network folder could
/// see each other's live files as stale. Diffuse does not guard against that.
public enum StaleTemporaryFiles {
    /// Folders already swept by this process (each once: a run writing
    /// thousands of snapshots must not rescan its folder thousands of times).
    private static let swept = Mutex<Set<String>>([])

    /// Sweeps `folder` unless this process already did.
    static func sweepOnce(folder: String) {
        let first = swept.withLock { $0.insert(folder).inserted }
        if first { sweep(folder: folder) }
    }

    /// Removes the stale temporary files in `folder`; returns their names.
    @discardableResult
    public static func sweep(folder: String) -> [String] {
        guard let directory = opendir(folder) else { return [] }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if let pid = owner(ofTemporaryName: name), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH {
                names.append(name)
            }
        }
        closedir(directory)
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        return names.filter { unlink(prefix + $0) == 0 }
    }

    /// The PID in a temporary file name `.NAME.tmp-PID-N`, or nil when `name`
    /// is not one.
    public static func owner(ofTemporaryName name: String) -> Int32? {
        guard name.hasPrefix("."), let marker = name.ranges(of: ".tmp-").last, marker.lowerBound > name.index(after: name.startIndex) else { return nil }
        let tail = name[marker.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
        guard tail.count == 2, tail.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }),
              let pid = Int32(tail[0]), pid > 0, Int(tail[1]) != nil else { return nil }
        return pid
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0" ... "9").contains(self) }
}
