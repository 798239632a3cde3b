// swift-tools-version: 6.1
//
// Diffuse: the 2D diffusion equation stepped many ways, with the tools that
// show where the time goes.
//
// Products
//   DiffusionKit  the model, the schedules and the file formats (no dependencies)
//   PerfKit       timeit, perf stat, a region profiler, memory and machine facts;
//                 knows nothing about diffusion
//   Workbench     (internal) joins the two: the bench protocol, the gate, peers, reports
//   diffuse       the command-line tool: parses, calls Workbench and the libraries, prints
import PackageDescription

// Native code generation.
//
// The kernels are written with explicit SIMD vectors; SwiftPM's release
// builds target baseline x86-64 (SSE2) unless told otherwise, which halves or
// quarters their width. `-target-cpu native` is what makes the README's
// `swift run -c release diffuse bench` fast without the user knowing a flag.
//
// It is an unsafe flag, and a versioned dependency that declares one is
// refused by SwiftPM ("contains unsafe build flags"), and it would make a
// dependent's binary unportable. So the flag is declared only when this
// package is the root of the build: SwiftPM places every dependency in a
// `checkouts` folder (`.build/checkouts/…`, Xcode's `SourcePackages/checkouts/…`),
// and there nothing unsafe is declared at all. At the root it is further gated
// by the `NativeCPU` trait (on by default): `swift build --disable-default-traits`
// builds portable code.
let isRootPackage = !Context.packageDirectory.contains("/checkouts/")
let nativeCPU: [SwiftSetting] = isRootPackage
    ? [
        .unsafeFlags(["-target-cpu", "native"], .when(traits: ["NativeCPU"])),
        .define("NATIVE_TARGET_CPU", .when(traits: ["NativeCPU"])),
    ]
    : []

// Numerical kernels are slow unoptimised: at -Onone the reference solver needs
// minutes for the seed's workload, and a bandwidth or timeit measurement of
// unoptimised code measures nothing useful. In this package's own debug builds
// (what `swift test` compiles) DiffusionKit, PerfKit and Workbench are
// therefore still built with -O, so the tests check full-size workloads
// against NumPy in seconds. Root only, for the reason above; dependents build
// them as they build everything else.
let optimizedEvenInDebug: [SwiftSetting] = isRootPackage
    ? [.unsafeFlags(["-O"], .when(configuration: .debug))]
    : []

let package = Package(
    name: "diffuse",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "DiffusionKit", targets: ["DiffusionKit"]),
        .library(name: "PerfKit", targets: ["PerfKit"]),
        // Link into an executable to let PerfKit count heap allocations (it
        // replaces malloc and friends; see Sources/CAllocationCounter).
        .library(name: "CAllocationCounter", targets: ["CAllocationCounter"]),
        .executable(name: "diffuse", targets: ["diffuse"]),
    ],
    traits: [
        .trait(
            name: "NativeCPU",
            description: "Compile the kernels for the CPU of the build machine (-target-cpu native). "
                + "Applies only when Diffuse is the root package; dependents always get portable code."
        ),
        .trait(
            name: "MPI",
            description: "Run one problem across processes with `mpirun -np P diffuse run` (Open MPI or MPICH; "
                + "Debian: libopenmpi-dev openmpi-bin, Homebrew: open-mpi). Off by default."
        ),
        .default(enabledTraits: ["NativeCPU"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
    ],
    targets: [
        // MARK: The solver
        .target(
            name: "DiffusionKit",
            swiftSettings: nativeCPU + optimizedEvenInDebug
        ),

        // MARK: Measurement (imports nothing from DiffusionKit)
        .target(
            name: "CPerfEvent",
            path: "Sources/CPerfEvent"
        ),
        .target(
            name: "CAllocationCounter",
            path: "Sources/CAllocationCounter"
        ),
        .target(
            name: "PerfKit",
            dependencies: [
                "CPerfEvent",
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: nativeCPU + optimizedEvenInDebug
        ),

        // MARK: Beyond one process (the MPI C API only with the `MPI` trait)
        .systemLibrary(
            name: "CMPI",
            path: "Sources/CMPI",
            pkgConfig: "ompi-c",
            providers: [.apt(["libopenmpi-dev", "openmpi-bin"]), .brew(["open-mpi"])]
        ),
        .target(
            name: "DistributedDiffusion",
            dependencies: ["DiffusionKit", .target(name: "CMPI", condition: .when(traits: ["MPI"]))],
            swiftSettings: nativeCPU + optimizedEvenInDebug
        ),

        // MARK: The tool
        // Joins the solver and the measurement: the bench's timing protocol and
        // correctness gate, peers, reports. Internal to the package.
        .target(
            name: "Workbench",
            dependencies: ["DiffusionKit", "PerfKit"],
            resources: [.copy("Resources/Peers")],
            swiftSettings: nativeCPU + optimizedEvenInDebug
        ),
        .executableTarget(
            name: "diffuse",
            dependencies: [
                "DiffusionKit",
                "PerfKit",
                "Workbench",
                "DistributedDiffusion",
                "CAllocationCounter",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: nativeCPU
        ),

        // MARK: Tests
        .testTarget(
            name: "DiffusionKitTests",
            dependencies: ["DiffusionKit"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "PerfKitTests",
            dependencies: ["PerfKit", "CAllocationCounter"]
        ),
        .testTarget(
            name: "WorkbenchTests",
            dependencies: ["Workbench", "DiffusionKit", "PerfKit", "CAllocationCounter"]
        ),
        .testTarget(
            name: "DistributedDiffusionTests",
            dependencies: ["DistributedDiffusion", "DiffusionKit"]
        ),
        .testTarget(
            name: "DiffuseCLITests",
            dependencies: ["DiffusionKit"]
        ),
    ]
)
