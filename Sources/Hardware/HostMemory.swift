#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The host's physical memory: what `diffuse info` reports and what the
/// memory budget of a run starts from.
public enum HostMemory {
    /// Physical memory in bytes (`_SC_PHYS_PAGES × _SC_PAGESIZE`), or nil when
    /// the system does not say.
    public static var physicalBytes: Int? {
        let pages = sysconf(Int32(_SC_PHYS_PAGES))
        let pageSize = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, pageSize > 0 else { return nil }
        let (bytes, overflow) = pages.multipliedReportingOverflow(by: pageSize)
        return overflow ? Int.max : bytes
    }
}
