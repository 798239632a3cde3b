import Hardware

/// What makes a measured plan valid only on the machine and build that
/// measured it: the key under which wisdom is stored.
///
/// Two runs may share a plan when they run the same code on the same kind of
/// core with the same caches and as many cores: the CPU's name, the vector
/// width the build targets, every cache's level, type, size and sharing, the
/// cores this process may use, and the build (debug or release, native or
/// portable code). A plan measured under `taskset -c 0` is therefore not
/// reused on two cores, nor one measured in a debug build in a release one.
///
/// `key` is a readable string of all of these, so that a person can see in
/// the wisdom file which machine an entry is for, and two fingerprints are
/// equal exactly when their keys are.
public struct MachineFingerprint: Sendable, Hashable, Codable {
    public var cpuModel: String
    public var vectorBytes: Int
    public var cores: Int
    /// "L1d 32K/1 L2 1024K/1 L3 32768K/2": level, type, KiB and sharing.
    public var caches: String
    /// "release native", "debug portable", …
    public var build: String

    enum CodingKeys: String, CodingKey {
        case cpuModel = "cpu_model", vectorBytes = "vector_bytes", cores, caches, build
    }

    /// The fingerprint of `machine` running under `build` (default: this build).
    public init(_ machine: MachineDescription, build: String = MachineFingerprint.thisBuild) {
        cpuModel = machine.cpuModel ?? "unknown CPU"
        vectorBytes = machine.vectorBytes
        cores = machine.cores
        caches = machine.caches
            .sorted { ($0.level, $0.type.rawValue) < ($1.level, $1.type.rawValue) }
            .map { cache in
                let kind = cache.type == .data ? "d" : cache.type == .instruction ? "i" : ""
                return "L\(cache.level)\(kind) \(cache.sizeBytes >> 10)K/\(cache.sharedBy)"
            }
            .joined(separator: " ")
        self.build = build
    }

    /// One line with every field: equal keys, equal fingerprints.
    public var key: String {
        "\(cpuModel) | \(vectorBytes)-byte vectors | \(cores) cores | \(caches.isEmpty ? "caches unknown" : caches) | \(build)"
    }

    /// This build: its configuration and whether it targets the build machine's CPU.
    public static var thisBuild: String {
        #if DEBUG
        let configuration = "debug"
        #else
        let configuration = "release"
        #endif
        #if NATIVE_TARGET_CPU
        let code = "native"
        #else
        let code = "portable"
        #endif
        return "\(configuration) \(code)"
    }
}
