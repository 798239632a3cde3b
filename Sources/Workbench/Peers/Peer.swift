// Peer.swift: the project's own implementations of the seed's workload in
// Python and C, run side by side with the Swift schedules (`diffuse bench --peers`).

/// One peer: an implementation of the diffusion workload outside Swift, with
/// the seed rung it reproduces and the lesson it teaches.
///
/// The sources live in the `Peers` resource folder (`python/`, `c/`); every
/// peer has the same command line, timing protocol and JSON report (see that
/// folder's README.md). This value only says what the peer is and how it is
/// launched; ``PeerRunner`` runs it.
public struct Peer: Sendable, Hashable, Identifiable {
    /// How a peer is launched.
    public enum Implementation: Sendable, Hashable {
        /// `python/peer.py --peer <name>`; `requires` lists the modules that
        /// must import (the runner skips the peer, with the reason, otherwise).
        case python(requires: [String])
        /// `c/diffusion.c`, compiled once per runner with `-O3 -march=native`,
        /// and with `-fopenmp` when `openMP` is true.
        case c(openMP: Bool)
    }

    public enum Language: String, Sendable, Hashable {
        case python = "Python"
        case c = "C"
    }

    /// Stable name, as in `--peer NAME` and in reports: "numpy-naive", "c-openmp".
    public let name: String
    public let implementation: Implementation
    /// The seed's rung this peer reproduces ("numpy + memory2"); nil for peers
    /// that go beyond the seed.
    public let seedCounterpart: String?
    /// What the peer shows, in one line.
    public let lesson: String
    /// Whether the peer uses more than one core (by default, all of them).
    public let isMultithreaded: Bool

    public var id: String { name }

    public var language: Language {
        switch implementation {
        case .python: .python
        case .c: .c
        }
    }

    public init(
        name: String,
        implementation: Implementation,
        seedCounterpart: String?,
        lesson: String,
        isMultithreaded: Bool
    ) {
        self.name = name
        self.implementation = implementation
        self.seedCounterpart = seedCounterpart
        self.lesson = lesson
        self.isMultithreaded = isMultithreaded
    }
}
