#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CHardware

extension MachineDescription {
    /// This machine, read once on first use and kept for the process:
    /// the affinity mask's CPUs, the caches (`CacheReading`: sysfs on Linux,
    /// sysctl on Darwin), the CPU's name and the build's vector width.
    ///
    /// Read once because plans ask for it on every run; a process whose
    /// affinity changes later keeps the first reading (pass an explicit
    /// machine in `ExecutionContext` to plan for another).
    public static let host: MachineDescription = read()

    /// Reads the host now (see `host`). `sysfsCPURoot` and `cpuinfo` are
    /// injectable for tests.
    public static func read(sysfsCPURoot: String = CacheReading.sysfsCPURoot,
                            cpuinfo: String = "/proc/cpuinfo") -> MachineDescription {
        var readings = (try? CacheReading.scan(root: sysfsCPURoot)) ?? []
        if readings.isEmpty { readings = CacheReading.scanSysctl() }
        return MachineDescription(
            cpuModel: SystemFiles.read(cpuinfo).flatMap(parseCPUModel) ?? sysctlCPUModel(),
            cores: availableCores, caches: readings.map(\.planCache), vectorBytes: buildVectorBytes)
    }

    /// Logical CPUs this process may run on: the affinity mask on Linux
    /// (`sched_getaffinity`), the online processors elsewhere; at least 1.
    public static var availableCores: Int {
        let available = Int(chw_available_cpu_count())
        return available > 0 ? available : onlineProcessors
    }

    /// Logical CPUs online (`sysconf(_SC_NPROCESSORS_ONLN)`), at least 1:
    /// for reports only; plans use `cores`.
    public static var onlineProcessors: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// The widest vector register this build targets, bytes: what the C
    /// compiler's feature macros say under the same native flag as the
    /// kernels (64 AVX-512, 32 AVX2, 16 SSE2 or NEON; 16 if none is known).
    public static var buildVectorBytes: Int {
        let bytes = Int(chw_vector_bytes())
        return bytes > 0 ? bytes : 16
    }

    /// The CPU name in a /proc/cpuinfo text: the first "model name" (x86),
    /// else "Model" or "Hardware" (Arm), else "cpu model" (MIPS), else "cpu"
    /// (POWER); nil if none.
    public static func parseCPUModel(_ cpuinfo: String) -> String? {
        var fields: [String: String] = [:]
        for line in cpuinfo.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = trimmed(line[..<colon])
            let value = trimmed(line[line.index(after: colon)...])
            if fields[key] == nil && !value.isEmpty { fields[key] = value }
        }
        for key in ["model name", "Model", "Hardware", "cpu model", "cpu"] {
            if let value = fields[key] { return value }
        }
        return nil
    }

    private static func trimmed(_ text: Substring) -> String {
        String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

    /// `sysctl machdep.cpu.brand_string` on Darwin; nil elsewhere.
    private static func sysctlCPUModel() -> String? {
        #if canImport(Darwin)
        var length = 0
        guard sysctlbyname("machdep.cpu.brand_string", nil, &length, nil, 0) == 0, length > 0 else { return nil }
        var bytes = [CChar](repeating: 0, count: length)
        guard sysctlbyname("machdep.cpu.brand_string", &bytes, &length, nil, 0) == 0 else { return nil }
        return String(cString: bytes)
        #else
        return nil
        #endif
    }
}
