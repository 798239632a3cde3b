import ArgumentParser
import Foundation
import Workbench

/// A comma-separated list of peer names, as `bench --peer` takes it.
///
/// Names are trimmed; a name given twice counts once, at its first place.
/// Every entry must name a peer, an empty one included (`--peer c,` is a
/// typo to report, not a shorter list).
enum PeerList {
    /// The peers `list` names, in order, without repeats.
    ///
    /// - Throws: `ValidationError` naming the first entry that is no peer.
    static func peers(_ list: String) throws -> [Peer] {
        var chosen: [Peer] = []
        for part in list.split(separator: ",", omittingEmptySubsequences: false) {
            let name = part.trimmingCharacters(in: .whitespaces)
            guard let peer = PeerCatalog.peer(named: name) else {
                throw ValidationError("unknown peer '\(name)' in --peer: expected one of \(PeerCatalog.names.joined(separator: ", "))")
            }
            if !chosen.contains(where: { $0.name == peer.name }) { chosen.append(peer) }
        }
        return chosen
    }
}
