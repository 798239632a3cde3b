import ArgumentParser
import DiffusionKit
import Foundation

/// A comma-separated list of schedule names, as `bench --variants` takes it.
///
/// Names are trimmed and empty entries ignored; a name given twice counts
/// once, at its first place, so no schedule is timed or ranked twice. A list
/// with no name at all (`--variants ,`) is an error, not an empty bench.
enum ScheduleList {
    /// The names of `list`, in order, without repeats.
    ///
    /// - Throws: `ValidationError` when the list names no schedule.
    static func names(_ list: String) throws -> [String] {
        var seen: Set<String> = []
        let names = list.split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && seen.insert($0).inserted }
        guard !names.isEmpty else {
            throw ValidationError("--variants lists no schedule; available: \(ScheduleRegistry.names.joined(separator: ", "))")
        }
        return names
    }

    /// The schedules `list` names, in order, without repeats.
    ///
    /// - Throws: `ValidationError` for an empty list; `DiffusionError` for an
    ///   unknown name.
    static func schedules(_ list: String) throws -> [any Schedule] {
        try names(list).map { try ScheduleRegistry.named($0) }
    }
}
