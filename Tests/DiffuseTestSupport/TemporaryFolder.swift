// TemporaryFolder.swift: a folder for one test's files, removed afterwards.

import Foundation

/// A new, empty folder under the system's temporary directory, removed with
/// everything in it when the value is released (at the end of the test that
/// holds it).
public final class TemporaryFolder: @unchecked Sendable {
    // @unchecked: immutable after init; the folder itself is the test's own.
    /// The folder.
    public let url: URL

    /// The folder's path.
    public var path: String { url.path }

    /// Creates `<tmp>/<prefix>-<UUID>`.
    /// - Throws: when the folder cannot be created.
    public init(prefix: String = "diffuse-tests") throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// The path of `name` in the folder (which need not exist).
    public func file(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// The URL of `name` in the folder (which need not exist).
    public func url(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Names of everything in the folder, hidden files included, sorted.
    public var contents: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }
}
