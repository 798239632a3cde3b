extension MachineDescription {
    /// One cache of the hierarchy, as plans need it: one entry per level and
    /// type, not per instance.
    ///
    /// JSON keys: `level`, `type` ("data", "instruction" or "unified"; any
    /// case; default unified), `size_bytes`, `line_bytes` (optional),
    /// `shared_by` (logical CPUs sharing one instance; default 1, private).
    public struct Cache: Sendable, Hashable, Codable {
        /// What a cache holds.
        public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
            case data, instruction, unified

            /// "Data", "Instruction" or "Unified" (sysfs's spelling, any case); nil otherwise.
            public init?(sysfs text: String) {
                self.init(rawValue: text.lowercased())
            }

            public init(from decoder: any Decoder) throws {
                let text = try decoder.singleValueContainer().decode(String.self)
                guard let kind = Kind(sysfs: text) else {
                    throw DecodingError.dataCorrupted(.init(
                        codingPath: decoder.codingPath,
                        debugDescription: "cache type '\(text)': expected data, instruction or unified"))
                }
                self = kind
            }
        }

        /// 1, 2, 3, …
        public var level: Int
        public var type: Kind
        /// Capacity of one instance, bytes.
        public var sizeBytes: Int
        /// The line size, bytes, where known.
        public var lineBytes: Int?
        /// Logical CPUs that share one instance (1: private to a CPU).
        public var sharedBy: Int

        /// A cache from its parts; `sharedBy` below 1 is taken as 1.
        public init(level: Int, type: Kind = .unified, sizeBytes: Int, lineBytes: Int? = nil, sharedBy: Int = 1) {
            self.level = level
            self.type = type
            self.sizeBytes = sizeBytes
            self.lineBytes = lineBytes
            self.sharedBy = max(1, sharedBy)
        }

        enum CodingKeys: String, CodingKey {
            case level, type, sizeBytes = "size_bytes", lineBytes = "line_bytes", sharedBy = "shared_by"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let level = try container.decode(Int.self, forKey: .level)
            let size = try container.decode(Int.self, forKey: .sizeBytes)
            guard level >= 1 else {
                throw DecodingError.dataCorruptedError(forKey: .level, in: container, debugDescription: "level must be at least 1, got \(level)")
            }
            guard size >= 1 else {
                throw DecodingError.dataCorruptedError(forKey: .sizeBytes, in: container, debugDescription: "size_bytes must be at least 1, got \(size)")
            }
            self.init(level: level, type: try container.decodeIfPresent(Kind.self, forKey: .type) ?? .unified, sizeBytes: size,
                      lineBytes: try container.decodeIfPresent(Int.self, forKey: .lineBytes),
                      sharedBy: try container.decodeIfPresent(Int.self, forKey: .sharedBy) ?? 1)
        }
    }
}
