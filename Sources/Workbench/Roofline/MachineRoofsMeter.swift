import Hardware
import PerfKit

/// Measures `MachineRoofs` for a machine: working sets from its caches.
public struct MachineRoofsMeter: Sendable {
    public var machine: MachineDescription
    /// Threads of the all-core figures (0: every core of `machine`).
    public var threads: Int
    public var trials: Int

    public init(machine: MachineDescription, threads: Int = 0, trials: Int = 5) {
        self.machine = machine
        self.threads = threads
        self.trials = trials
    }

    var threadCount: Int { threads > 0 ? threads : machine.cores }

    /// Each level's working set per thread and capacities (see
    /// `workingSets`): half of L1d; half of the L2 a core can count on (at
    /// least 4 × L1); half of the last level's share of a thread (at least
    /// 4 × L2 per core; none when the machine has no cache beyond L2); and
    /// for memory, 4 × the last level and 64 MiB at least, split between the
    /// threads.
    public static func workingSets(machine: MachineDescription, threads: Int) -> [(name: String, perThread: Int, perCore: Int?, allCores: Int?)] {
        let l1 = machine.level1DataBytes
        let l2 = machine.level2BytesPerCore
        var sets: [(String, Int, Int?, Int?)] = [("L1", l1 / 2, l1, l1 * threads)]
        if machine.dataCache(level: 2) != nil || machine.caches.isEmpty {
            sets.append(("L2", max(4 * l1, l2 / 2), l2, l2 * threads))
        }
        let last = machine.lastLevelBytes
        let hasL3 = machine.caches.contains { $0.level >= 3 && $0.type != .instruction } || machine.caches.isEmpty
        if hasL3 && last / 2 / threads > 2 * l2 {
            sets.append(("L3", max(4 * l2, last / 2 / threads), last, last))
        }
        sets.append(("memory", max(64 << 20, 4 * last) / threads, nil, nil))
        return sets
    }

    /// Measures the roofs; `progress` hears of each part as it starts.
    public func measure(likwid: Bool = false, progress: (String) -> Void = { _ in }) -> MachineRoofs {
        let all = threadCount
        let counts = all > 1 ? [1, all] : [1]
        progress("compute roof (add and FMA chains, \(machine.vectorBytes)-byte vectors, 1\(all > 1 ? " and \(all)" : "") threads)…")
        let compute = counts.flatMap { PeakFlops.measure(vectorBytes: machine.vectorBytes, threads: $0, trials: trials) }
        var levels: [MachineRoofs.Level] = []
        for set in Self.workingSets(machine: machine, threads: all) {
            progress("\(set.name) bandwidth (load, copy, triad on \(formatBytes(set.perThread)) per thread)…")
            let bandwidth = counts.flatMap { threads in
                // Memory's working set is split between the threads of the
                // all-core run; one thread streams the same total.
                let perThread = set.name == "memory" ? set.perThread * all / threads : set.perThread
                return LevelBandwidth.measure(workingSetBytesPerThread: perThread, threads: threads, trials: trials)
            }
            levels.append(.init(name: set.name, capacityBytesPerCore: set.perCore, capacityBytesAllCores: set.allCores,
                                bandwidth: bandwidth))
        }
        var roofs = MachineRoofs(threads: all, compute: compute, levels: levels)
        if likwid, LikwidBench.isInstalled {
            progress("likwid-bench, for comparison…")
            roofs.likwid = LikwidBench.figures(for: roofs, machine: machine)
        }
        return roofs
    }
}
