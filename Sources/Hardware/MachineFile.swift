/// What a machine file holds (`diffuse … --machine FILE.json`): either a
/// `MachineDescription` itself,
///
///     {"cores": 1, "caches": [{"level": 2, "size_bytes": 524288}], "vector_bytes": 32}
///
/// or any object that holds one under `"machine"`, as `diffuse info --format
/// json` prints (its other fields are ignored).
public struct MachineFile: Sendable, Decodable {
    /// The machine the file describes.
    public var machine: MachineDescription

    enum CodingKeys: String, CodingKey { case machine }

    public init(from decoder: any Decoder) throws {
        if let container = try? decoder.container(keyedBy: CodingKeys.self), container.contains(.machine) {
            machine = try container.decode(MachineDescription.self, forKey: .machine)
        } else {
            machine = try MachineDescription(from: decoder)
        }
    }
}
