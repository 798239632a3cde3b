/// A failure of a distributed run that every rank has agreed on.
///
/// Every rank throws it; `printsHere` is true on exactly one rank (the
/// lowest that failed), so the message reaches the user once.
public struct DistributedFailure: Error, Sendable, CustomStringConvertible {
    public let message: String
    public let printsHere: Bool

    public init(message: String, printsHere: Bool) {
        self.message = message
        self.printsHere = printsHere
    }

    public var description: String { message }
}
