import Hardware

/// Explicit machines for the plans' tests: no expectation depends on the
/// host's caches or cores.
public enum TestMachines {
    /// A 2-core slice of a Zen 3 (EPYC 7003): 32 KiB L1d, 512 KiB private L2,
    /// 32 MiB L3 shared by both cores, 64-byte lines, AVX2 (32-byte vectors).
    public static let zen3 = MachineDescription(
        cpuModel: "Zen 3-like", cores: 2,
        caches: [
            .init(level: 1, type: .data, sizeBytes: 32 << 10, lineBytes: 64),
            .init(level: 1, type: .instruction, sizeBytes: 32 << 10, lineBytes: 64),
            .init(level: 2, type: .unified, sizeBytes: 512 << 10, lineBytes: 64),
            .init(level: 3, type: .unified, sizeBytes: 32 << 20, lineBytes: 64, sharedBy: 2),
        ],
        vectorBytes: 32)

    /// The same slice of a Zen 4 (EPYC 9004): 1 MiB L2, AVX-512 (64-byte vectors).
    public static let zen4 = MachineDescription(
        cpuModel: "Zen 4-like", cores: 2,
        caches: [
            .init(level: 1, type: .data, sizeBytes: 32 << 10, lineBytes: 64),
            .init(level: 1, type: .instruction, sizeBytes: 32 << 10, lineBytes: 64),
            .init(level: 2, type: .unified, sizeBytes: 1 << 20, lineBytes: 64),
            .init(level: 3, type: .unified, sizeBytes: 32 << 20, lineBytes: 64, sharedBy: 2),
        ],
        vectorBytes: 64)

    /// An Apple M-like chip: 8 cores, 128 KiB L1d, one 16 MiB L2 shared by
    /// all eight and no L3, 128-byte lines, NEON (16-byte vectors).
    public static let appleM = MachineDescription(
        cpuModel: "Apple M-like", cores: 8,
        caches: [
            .init(level: 1, type: .data, sizeBytes: 128 << 10, lineBytes: 128),
            .init(level: 1, type: .instruction, sizeBytes: 192 << 10, lineBytes: 128),
            .init(level: 2, type: .unified, sizeBytes: 16 << 20, lineBytes: 128, sharedBy: 8),
        ],
        vectorBytes: 16)

    /// The Zen 3 slice as `taskset -c 0` leaves it: one core.
    public static let oneCore: MachineDescription = {
        var machine = zen3
        machine.cpuModel = "one core"
        machine.cores = 1
        return machine
    }()

    public static let all: [(name: String, machine: MachineDescription)] = [
        ("Zen 3", zen3), ("Zen 4", zen4), ("Apple M", appleM), ("one core", oneCore),
    ]
}
