// PeerCatalog.swift: every peer, in the seed's order, then beyond it.

public enum PeerCatalog {
    /// The peers in the order a report lists them: the seed's NumPy ladder,
    /// then Numba, NumPy's spectral jump (the idea of `spectral`), Devito and C.
    public static let all: [Peer] = [
        Peer(
            name: "numpy-naive",
            implementation: .python(requires: ["numpy"]),
            seedCounterpart: "numpy",
            lesson: "whole-array expressions move the loops into C, but every step allocates new arrays",
            isMultithreaded: false
        ),
        Peer(
            name: "numpy-inplace",
            implementation: .python(requires: ["numpy"]),
            seedCounterpart: "numpy + memory",
            lesson: "in-place operators into a reused scratch array: fewer allocations and page faults",
            isMultithreaded: false
        ),
        Peer(
            name: "numpy-roll-add",
            implementation: .python(requires: ["numpy"]),
            seedCounterpart: "numpy + memory2",
            lesson: "slice additions instead of np.roll's copies: no temporaries at all",
            isMultithreaded: false
        ),
        Peer(
            name: "numexpr",
            implementation: .python(requires: ["numpy", "numexpr"]),
            seedCounterpart: "numpy + memory2 + numexpr",
            lesson: "the update compiled as one expression, evaluated in cache-sized blocks on all cores",
            isMultithreaded: true
        ),
        Peer(
            name: "scipy-laplace",
            implementation: .python(requires: ["numpy", "scipy"]),
            seedCounterpart: "scipy",
            lesson: "a library filter: compiled, but its general boundary handling costs more than it saves",
            isMultithreaded: false
        ),
        Peer(
            name: "numba-parallel",
            implementation: .python(requires: ["numpy", "numba"]),
            seedCounterpart: nil,
            lesson: "the plain loops, JIT-compiled and split by rows over all cores",
            isMultithreaded: true
        ),
        Peer(
            name: "numpy-spectral",
            implementation: .python(requires: ["numpy", "scipy"]),
            seedCounterpart: nil,
            lesson: "change the algorithm: rfft2 or scipy.fft dctn/dstn, λⁿ, and back; any number of steps for two transforms",
            isMultithreaded: true
        ),
        Peer(
            name: "devito",
            implementation: .python(requires: ["numpy", "devito"]),
            seedCounterpart: nil,
            lesson: "a stencil DSL: the update written symbolically, compiled to blocked OpenMP C (fixed boundaries only)",
            isMultithreaded: true
        ),
        Peer(
            name: "c",
            implementation: .c(openMP: false),
            seedCounterpart: nil,
            lesson: "the yardstick: two buffers, restrict pointers, a vectorized interior, one core",
            isMultithreaded: false
        ),
        Peer(
            name: "c-openmp",
            implementation: .c(openMP: true),
            seedCounterpart: nil,
            lesson: "the same C on all cores, one OpenMP thread team per run",
            isMultithreaded: true
        ),
    ]

    /// The peer called `name`, if there is one.
    public static func peer(named name: String) -> Peer? {
        all.first { $0.name == name }
    }

    /// The peers' names, for help text and error messages.
    public static var names: [String] { all.map(\.name) }
}
