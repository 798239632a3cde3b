/// Stored plans: what `diffuse tune` measured, per machine and workload
/// class, as FFTW keeps its wisdom.
///
/// A wisdom document may hold plans for several machines (a home folder
/// shared by machines of a cluster): each entry names the fingerprint it was
/// measured on, and only entries of this machine's fingerprint are used.
/// This type is the document; reading and writing the file (atomically,
/// under a lock) is Workbench's `WisdomStore`.
///
/// JSON:
///
///     {"format": "diffuse-wisdom", "version": 1, "entries": [
///       {"machine": {"cpu_model": …, "vector_bytes": 64, "cores": 2, "caches": "…", "build": "release native"},
///        "workload": {"rows_bucket": 19, "cols_bucket": 19, "precision": "double", "boundary": "periodic"},
///        "plan": {"schedule": "temporal", "parameters": {…}, "source": "wisdom", "reason": "…"},
///        "seconds_per_step": 4.1e-05, "measured_on": "640x640, 500 steps"}]}
public struct Wisdom: Sendable, Hashable, Codable {
    /// The value of `format`: anything else is not a wisdom file.
    public static let formatName = "diffuse-wisdom"
    /// The layout this version reads and writes; a file of another version is stale.
    public static let currentVersion = 1

    public var format: String
    public var version: Int
    public var entries: [Entry]

    /// An empty document of the current version.
    public init(entries: [Entry] = []) {
        format = Self.formatName
        version = Self.currentVersion
        self.entries = entries
    }

    /// One measured plan.
    public struct Entry: Sendable, Hashable, Codable {
        public var machine: MachineFingerprint
        public var workload: WorkloadClass
        public var plan: Plan
        /// The plan's measured time per step on the workload it was tuned on.
        public var secondsPerStep: Double?
        /// The workload it was tuned on ("640x640, 500 steps"), for people.
        public var measuredOn: String?

        enum CodingKeys: String, CodingKey {
            case machine, workload, plan, secondsPerStep = "seconds_per_step", measuredOn = "measured_on"
        }

        public init(machine: MachineFingerprint, workload: WorkloadClass, plan: Plan,
                    secondsPerStep: Double? = nil, measuredOn: String? = nil) {
            self.machine = machine
            self.workload = workload
            self.plan = plan
            self.secondsPerStep = secondsPerStep
            self.measuredOn = measuredOn
        }
    }

    /// Why this document cannot be used as it is, or nil: not a wisdom file,
    /// or another version's (stale), or an entry whose plan is not one this
    /// version can run (an unknown schedule, a parameter below 1).
    public var problem: String? {
        guard format == Self.formatName else { return "not a diffuse wisdom file (format '\(format)')" }
        guard version == Self.currentVersion else {
            return "stale: written as version \(version), this diffuse reads version \(Self.currentVersion)"
        }
        for entry in entries {
            if let reason = entry.plan.invalidity { return "an entry for \(entry.workload) \(reason)" }
        }
        return nil
    }

    /// The stored plan for `workload` on `machine`, marked as wisdom; nil if none.
    public func plan(for workload: WorkloadClass, on machine: MachineFingerprint) -> Plan? {
        guard let entry = entries.last(where: { $0.machine == machine && $0.workload == workload }) else { return nil }
        var plan = entry.plan
        plan.source = .wisdom
        plan.reason = "wisdom: measured on this machine for \(workload)"
            + (entry.measuredOn.map { " (\($0))" } ?? "") + "; " + entry.plan.reason
        return plan
    }

    /// True when the document has entries, none of them for `machine`:
    /// a foreign file, worth a warning.
    public func isForeign(to machine: MachineFingerprint) -> Bool {
        !entries.isEmpty && !entries.contains { $0.machine == machine }
    }

    /// Adds `entry`, replacing any entry for the same machine and workload class.
    public mutating func record(_ entry: Entry) {
        entries.removeAll { $0.machine == entry.machine && $0.workload == entry.workload }
        entries.append(entry)
    }
}

extension Plan {
    /// Why this plan cannot be run, or nil: an unknown schedule or a
    /// parameter below 1.
    public var invalidity: String? {
        guard schedule != "auto", ScheduleRegistry.names.contains(schedule) else {
            return "names schedule '\(schedule)', which this diffuse does not have"
        }
        for (name, value) in [("threads", parameters.threads), ("depth", parameters.depth), ("tile_width", parameters.tileWidth)] {
            if let value, value < 1 { return "has \(name) \(value); it must be at least 1" }
        }
        return nil
    }
}
