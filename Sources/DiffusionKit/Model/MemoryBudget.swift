#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Hardware

/// How much memory this process may still take, for refusing work that
/// cannot fit before allocating for it.
///
/// The budget is the smallest of:
/// - ¾ of physical memory (the rest is left to the system and other programs);
/// - ¾ of the cgroup's memory limit, when the process runs in a limited
///   cgroup (v2 `memory.max`, v1 `memory.limit_in_bytes`), as in containers;
/// - the address space `ulimit -v` (RLIMIT_AS) still leaves: the limit less
///   the virtual size the process already has (`/proc/self/statm`), less
///   64 MiB for thread stacks and the allocator's own needs.
///
/// Each is skipped where the system does not say; nil when none says.
public enum MemoryBudget {
    /// Reserved under RLIMIT_AS for what is not a grid.
    static let addressSpaceMargin = 64 << 20

    /// The bytes this process may still allocate, or nil when unknown.
    public static var availableBytes: Int? {
        combine(physical: HostMemory.physicalBytes, cgroupLimit: cgroupLimitBytes,
                addressSpaceLimit: addressSpaceLimitBytes, virtualSize: virtualSizeBytes)
    }

    /// The budget from its parts (nil parts are unknown or unlimited).
    public static func combine(physical: Int?, cgroupLimit: Int?, addressSpaceLimit: Int?, virtualSize: Int?) -> Int? {
        var candidates: [Int] = []
        if let physical { candidates.append(physical / 4 * 3) }
        if let cgroupLimit { candidates.append(cgroupLimit / 4 * 3) }
        if let addressSpaceLimit {
            candidates.append(max(0, addressSpaceLimit - (virtualSize ?? 0) - addressSpaceMargin))
        }
        return candidates.min()
    }

    /// Throws `outOfMemory` when `bytes` exceed the budget.
    public static func checkAllocation(bytes: Int, path: String? = nil) throws(DiffusionError) {
        if let available = availableBytes, bytes > available {
            throw .outOfMemory(bytes: bytes, available: available)
        }
    }

    /// RLIMIT_AS, or nil when unlimited.
    static var addressSpaceLimitBytes: Int? {
        var limit = rlimit()
        #if canImport(Glibc)
        let resource = __rlimit_resource_t(RLIMIT_AS.rawValue)
        #else
        let resource = RLIMIT_AS
        #endif
        guard getrlimit(resource, &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }  // RLIM_INFINITY
        return limit.rlim_cur > UInt64(Int.max) ? nil : Int(limit.rlim_cur)
    }

    /// The process's virtual size: the first field of /proc/self/statm, in pages.
    static var virtualSizeBytes: Int? {
        guard let text = SystemFiles.read("/proc/self/statm"),
              let pages = text.split(separator: " ").first.flatMap({ Int($0) }) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// The memory limit of this process's cgroup, or nil when unlimited or
    /// unknown. Read once: a process does not move between cgroups, and the
    /// files are read on every checked allocation otherwise.
    static let cgroupLimitBytes: Int? = readCgroupLimit()

    private static func readCgroupLimit() -> Int? {
        guard let membership = SystemFiles.read("/proc/self/cgroup") else { return nil }
        var candidates: [String] = []
        for entry in parseCgroupMembership(membership) {
            if entry.isV2 {
                candidates += ["/sys/fs/cgroup" + entry.path + "/memory.max", "/sys/fs/cgroup/memory.max"]
            } else {
                candidates += ["/sys/fs/cgroup/memory" + entry.path + "/memory.limit_in_bytes",
                               "/sys/fs/cgroup/memory/memory.limit_in_bytes"]
            }
        }
        for file in candidates {
            if let text = SystemFiles.read(file) { return parseCgroupLimit(text) }
        }
        return nil
    }

    /// The memory cgroups in a /proc/self/cgroup text: the v2 line `0::PATH`
    /// and the v1 line whose controllers include `memory`.
    public static func parseCgroupMembership(_ text: String) -> [(isV2: Bool, path: String)] {
        var result: [(Bool, String)] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let path = fields[2] == "/" ? "" : String(fields[2])
            if fields[0] == "0" && fields[1].isEmpty {
                result.append((true, path))
            } else if fields[1].split(separator: ",").contains("memory") {
                result.insert((false, path), at: 0)
            }
        }
        return result
    }

    /// A cgroup limit file's value: bytes, or nil for `max` (v2) or a value
    /// of 2⁶⁰ or more (v1 writes "no limit" as a page-rounded 2⁶³ − 1).
    public static func parseCgroupLimit(_ text: String) -> Int? {
        let value = text.split(whereSeparator: { $0 == "\n" || $0 == " " }).first.map(String.init) ?? ""
        guard let bytes = Int(value), bytes > 0, bytes < 1 << 60 else { return nil }
        return bytes
    }
}
