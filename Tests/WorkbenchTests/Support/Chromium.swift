import DiffusionKit
import Foundation

/// Headless Chromium, run as a person would run it to render a page.
enum Chromium {
    /// The browser's path: the first of chromium, chromium-browser,
    /// google-chrome on PATH; nil when none is installed.
    static let path: String? = {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for folder in folders where FileManager.default.isExecutableFile(atPath: folder + "/" + name) {
                return folder + "/" + name
            }
        }
        return nil
    }()

    static let missing = "Chromium is not installed (apt-get install chromium; CI installs it in .ci/run)"

    struct Run {
        let status: Int32
        let output: String
        /// Console messages the page logged (uncaught exceptions included).
        let consoleMessages: [String]
    }

    /// Runs headless Chromium on `page` with `arguments` (e.g. --dump-dom),
    /// a 1280-px-wide window, no network (every host name fails to resolve),
    /// and scripts given `virtualTime` ms of virtual time to settle.
    static func run(_ page: String, _ arguments: [String], height: Int = 1000, virtualTime: Int = 3000) throws -> Run {
        let profile = NSTemporaryDirectory() + "diffuse-chromium-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path!)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=" + profile,
                             "--enable-logging=stderr", "--v=0", "--host-resolver-rules=MAP * ~NOTFOUND",
                             "--window-size=1280,\(height)", "--virtual-time-budget=\(virtualTime)"]
            + arguments + [URL(fileURLWithPath: page).absoluteString]
        // Standard error (the browser's log) goes to a file, so neither it nor
        // standard output can fill a pipe and stall the browser.
        let logPath = profile + ".log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: logPath) }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try process.run()
        // A browser that hangs is stopped after two minutes (the test then fails on its output).
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        let errorData = FileManager.default.contents(atPath: logPath) ?? Data()
        let log = String(decoding: errorData, as: UTF8.self)
        let console = log.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
        return Run(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self), consoleMessages: console)
    }
}
