import ArgumentParser
import Foundation
import Hardware

/// `--machine FILE.json`, shared by the commands that plan (run, bench, stat,
/// profile, sweep): plan thread counts, temporal depths and tiles, and
/// `auto`'s choice as if on the machine the file describes.
struct MachineOptions: ParsableArguments {
    @Option(name: .long,
            help: ArgumentHelp("Plan as if on the machine this file describes: the JSON `diffuse info --format json` prints, "
                               + "or {\"cores\": N, \"caches\": [...], \"vector_bytes\": B}. Default: this machine.",
                               valueName: "file.json"))
    var machine: String?

    /// The machine to plan for: the file's, or the host.
    /// - Throws: `CommandFailure` with one line saying what is wrong with the file.
    func description() throws -> MachineDescription {
        guard let machine else { return .host }
        return try Self.load(path: machine)
    }

    /// Reads a machine file (`MachineFile`: bare, or under "machine").
    static func load(path: String) throws -> MachineDescription {
        // fopen first, for the system's reason ("No such file or directory").
        guard let file = fopen(path, "r") else {
            throw CommandFailure("--machine \(path): \(String(cString: strerror(errno)))")
        }
        fclose(file)
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CommandFailure("--machine \(path): cannot read the file")
        }
        do {
            return try JSONDecoder().decode(MachineFile.self, from: data).machine
        } catch let error as DecodingError {
            throw CommandFailure("--machine \(path): \(Self.reason(error)); expected the JSON of `diffuse info --format json` "
                                 + "or {\"cores\": N, \"caches\": [{\"level\": 2, \"size_bytes\": B, \"shared_by\": 1}], \"vector_bytes\": B}")
        }
    }

    /// One line for a decoding error: where, and what.
    static func reason(_ error: DecodingError) -> String {
        func place(_ path: [any CodingKey]) -> String {
            guard !path.isEmpty else { return "the top level" }
            return path.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined().drop { $0 == "." }.description
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(key.stringValue) is missing at \(place(context.codingPath))"
        case .typeMismatch(let type, let context):
            return "\(place(context.codingPath)) should be \(type == Int.self ? "an integer" : "a \(type)")"
        case .valueNotFound(_, let context):
            return "\(place(context.codingPath)) is null"
        case .dataCorrupted(let context):
            // At the top level only the JSON parser complains; below it, our
            // own checks (cores ≥ 1, a known cache type, …) say what is wrong.
            return context.codingPath.isEmpty ? "not valid JSON" : "\(place(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
