#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import Workbench

/// A progress bar on standard error, drawn only when standard error is a
/// terminal and only once the work has lasted `delay` seconds: short runs,
/// pipes and CI logs stay clean.
final class ProgressBar {
    private let total: Int
    private let label: String
    private let delay: Double
    private let enabled: Bool
    private let started = ContinuousClock.now
    private var drawn = false
    private var lastDraw = ContinuousClock.now

    init(total: Int, label: String, delay: Double = 1.0, enabled: Bool = Terminal.standardErrorIsTerminal) {
        self.total = max(total, 1)
        self.label = label
        self.delay = delay
        self.enabled = enabled
    }

    /// Shows `done` of `total` if the bar is due.
    func update(_ done: Int) {
        guard enabled else { return }
        let now = ContinuousClock.now
        let elapsed = (now - started).inSeconds
        guard elapsed >= delay, !drawn || (now - lastDraw).inSeconds >= 0.1 || done == total else { return }
        drawn = true
        lastDraw = now
        let width = 30
        let filled = min(width, width * done / total)
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let remaining = done > 0 ? elapsed * Double(total - done) / Double(done) : 0
        Terminal.standardError("\r\(label) \(bar) \(done)/\(total)  \(formatSeconds(elapsed)) elapsed, ~\(formatSeconds(remaining)) left ")
    }

    /// Erases the bar, if one was drawn.
    func finish() {
        guard drawn else { return }
        Terminal.standardError("\r\u{1B}[2K")
    }
}
