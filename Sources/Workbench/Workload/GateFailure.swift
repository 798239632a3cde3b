import Foundation

/// A schedule whose field differs from the reference's by more than the
/// gate allows: its numbers are not shown.
public struct GateFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var variant: String
    /// max |schedule − reference| (infinite or NaN for a field that blew up).
    public var error: Double
    public var tolerance: Double
    public var steps: Int

    public var description: String {
        "variant '\(variant)' fails the correctness gate: after \(steps) steps its field differs from the reference's "
            + "by \(formatError(error)), more than the \(formatError(tolerance)) allowed; no numbers are shown for a wrong result"
    }

    /// The short form for a table row: "max |error| 0.0123 exceeds the gate 1e-12".
    public var summary: String {
        "max |error| \(String(format: "%.3g", error)) exceeds the gate \(String(format: "%.3g", tolerance))"
    }
}
