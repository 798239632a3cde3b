// swift-tools-version: 6.1
//
// Diffuse: the 2D diffusion equation stepped many ways, with the tools that
// show where the time goes.
//
// Products
//   Hardware      the machine plans are made for: cores, caches, vector width
//                 (the package's only reader of the host's caches)
//   DiffusionKit  the model, the schedules and the file formats (needs Hardware;
//                 links the system's zlib for PNG)
//   PerfKit       timeit, perf stat, a region profiler, memory and machine facts;
//                 knows nothing about diffusion (needs Hardware)
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
// The C side of Hardware learns the build's vector width from the compiler's
// feature macros, so it is compiled for the same CPU as the Swift kernels.
// Linux only: on Apple silicon NEON (the width it reports) needs no flag.
let nativeCPUForC: [CSetting] = isRootPackage
    ? [.unsafeFlags(["-march=native"], .when(platforms: [.linux], traits: ["NativeCPU"]))]
    : []

let optimizedEvenInDebug: [SwiftSetting] = isRootPackage
    ? [.unsafeFlags(["-O"], .when(configuration: .debug))]
    : []

// swift-subprocess names executables by FilePath: swift-system's on Linux,
// the SDK's System framework on Apple platforms (so no dependency there).
let subprocessFilePath: [Target.Dependency] = [
    .product(name: "SystemPackage", package: "swift-system", condition: .when(platforms: [.linux])),
]

let package = Package(
    name: "diffuse",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Hardware", targets: ["Hardware"]),
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
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
    ],
    targets: [
        // MARK: The machine (no dependencies)
        .target(
            name: "CHardware",
            path: "Sources/CHardware",
            cSettings: nativeCPUForC
        ),
        .target(
            name: "Hardware",
            dependencies: ["CHardware"]
        ),

        // MARK: The solver
        .target(
            name: "DiffusionKit",
            dependencies: ["Hardware", "CZlib"],
            swiftSettings: nativeCPU + optimizedEvenInDebug
        ),
        // The system's zlib, for compressed PNG and APNG files (deflate).
        .systemLibrary(
            name: "CZlib",
            path: "Sources/CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
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
                "Hardware",
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
            dependencies: ["DiffusionKit", "Hardware", "PerfKit", .product(name: "Subprocess", package: "swift-subprocess")]
                + subprocessFilePath,
            resources: [.copy("Resources/Peers")],
            swiftSettings: nativeCPU + optimizedEvenInDebug
        ),
        .executableTarget(
            name: "diffuse",
            dependencies: [
                "DiffusionKit",
                "Hardware",
                "PerfKit",
                "Workbench",
                "DistributedDiffusion",
                "CAllocationCounter",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: nativeCPU
        ),

        // MARK: Tests
        // What every test target shares: temporary folders, seeded random
        // numbers, CPU burners. A plain target under Tests (as swift-numerics'
        // _TestSupport), not a product; of the package it needs only Hardware
        // (the explicit machines the plans' tests pass).
        .target(
            name: "DiffuseTestSupport",
            dependencies: ["Hardware"],
            path: "Tests/DiffuseTestSupport"
        ),
        .testTarget(
            name: "DiffusionKitTests",
            dependencies: ["DiffusionKit", "Hardware", "PerfKit", "CAllocationCounter", "DiffuseTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "HardwareTests",
            dependencies: ["Hardware", "DiffuseTestSupport"]
        ),
        .testTarget(
            name: "PerfKitTests",
            dependencies: ["PerfKit", "CAllocationCounter", "DiffuseTestSupport"]
        ),
        .testTarget(
            name: "WorkbenchTests",
            dependencies: ["Workbench", "DiffusionKit", "PerfKit", "CAllocationCounter", "DiffuseTestSupport"]
        ),
        .testTarget(
            name: "DistributedDiffusionTests",
            dependencies: ["DistributedDiffusion", "DiffusionKit", "DiffuseTestSupport"]
        ),
        .testTarget(
            name: "DiffuseCLITests",
            dependencies: ["DiffusionKit", "Hardware", "PerfKit", "DiffuseTestSupport",
                           .product(name: "Subprocess", package: "swift-subprocess")]
                + subprocessFilePath
        ),
    ]
)
