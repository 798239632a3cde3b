#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// FFTW 3, loaded with `dlopen` the first time the `spectral` schedule is used.
///
/// Why at run time rather than a system-library target: `swift build` then
/// needs no FFTW headers or pkg-config entry, a package that depends on
/// DiffusionKit links nothing new, and a machine without FFTW builds and runs
/// everything else, with `spectral` saying how to install it. The price is
/// that the dozen C signatures used are declared here by hand (they are
/// FFTW 3's stable ABI since 2003) and checked only at load time.
///
/// One `FFTWLibrary` per precision: `libfftw3` (double, `fftw_…`) and
/// `libfftw3f` (float, `fftwf_…`), each with its `_threads` companion when
/// present (without it FFTW runs on one thread). The environment variable
/// `DIFFUSE_FFTW` overrides where the libraries are looked for: `off` (or
/// `none`) makes FFTW unavailable (for tests of that path), a folder makes
/// Diffuse look only there.
///
/// FFTW's planner (plan creation and destruction, wisdom, the thread count)
/// is not thread-safe; `planner` serialises it. Executing a plan is
/// thread-safe.
final class FFTWLibrary: @unchecked Sendable {
    // @unchecked: every stored property is immutable; the C functions are
    // thread-safe except the planner's, which are only called under `planner`.

    typealias PlanR2R2D = @convention(c) (Int32, Int32, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, Int32, Int32, UInt32) -> OpaquePointer?
    typealias PlanDFT2D = @convention(c) (Int32, Int32, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, UInt32) -> OpaquePointer?
    typealias Execute = @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Void
    typealias DestroyPlan = @convention(c) (OpaquePointer?) -> Void
    typealias Malloc = @convention(c) (Int) -> UnsafeMutableRawPointer?
    typealias Free = @convention(c) (UnsafeMutableRawPointer?) -> Void
    typealias Wisdom = @convention(c) (UnsafePointer<CChar>?) -> Int32
    typealias InitThreads = @convention(c) () -> Int32
    typealias PlanWithThreads = @convention(c) (Int32) -> Void

    /// `fftw_r2r_kind` values (fftw3.h).
    enum Kind: Int32 {
        case redft01 = 4, redft10 = 5, rodft00 = 7
    }

    /// Planner flags (fftw3.h).
    enum Flag {
        static let measure: UInt32 = 0
        static let destroyInput: UInt32 = 1 << 0
        static let estimate: UInt32 = 1 << 6
        static let wisdomOnly: UInt32 = 1 << 21
    }

    let precision: Precision
    /// The path the main library was loaded from.
    let path: String
    /// True when the `_threads` library was found and initialised.
    let hasThreads: Bool
    let planR2R2D: PlanR2R2D
    let planR2C2D: PlanDFT2D
    let planC2R2D: PlanDFT2D
    let executeR2R: Execute
    let executeR2C: Execute
    let executeC2R: Execute
    let destroyPlan: DestroyPlan
    let malloc: Malloc
    let free: Free
    let importWisdom: Wisdom
    let exportWisdom: Wisdom
    private let planWithThreads: PlanWithThreads?
    /// Serialises FFTW's planner, which is not thread-safe.
    let planner = Mutex<Void>(())

    /// The library for `precision`, loaded once per process, or why it is not there.
    static func shared(_ precision: Precision) -> Result<FFTWLibrary, FFTWUnavailable> {
        switch precision {
        case .double: sharedDouble
        case .float: sharedFloat
        }
    }

    private static let sharedDouble = load(.double, override: environmentOverride)
    private static let sharedFloat = load(.float, override: environmentOverride)

    /// The value of `DIFFUSE_FFTW`, if set.
    static var environmentOverride: String? {
        getenv("DIFFUSE_FFTW").map { String(cString: $0) }
    }

    /// Loads FFTW for `precision`, looking where `override` says (see the type's
    /// documentation) or in the platform's usual places.
    static func load(_ precision: Precision, override: String?) -> Result<FFTWLibrary, FFTWUnavailable> {
        let stem = precision == .double ? "fftw3" : "fftw3f"
        if let override, ["off", "none", "no", "0"].contains(override.lowercased()) {
            return .failure(FFTWUnavailable(override: override))
        }
        for candidate in candidates(stem, folder: override) {
            guard let handle = dlopen(candidate, RTLD_NOW | RTLD_LOCAL) else { continue }
            // The companion of the same installation: the same folder, or the
            // same search path as the main library.
            let threads = candidates(stem + "_threads", folder: override ?? folder(of: candidate))
                .lazy.compactMap { dlopen($0, RTLD_NOW | RTLD_LOCAL) }.first
            if let library = FFTWLibrary(handle: handle, threads: threads, precision: precision, path: candidate) {
                return .success(library)
            }
            dlclose(handle)
        }
        return .failure(FFTWUnavailable(override: override))
    }

    /// File names to try for `lib<stem>`, in order.
    private static func candidates(_ stem: String, folder: String?) -> [String] {
#if canImport(Darwin)
        let file = "lib\(stem).dylib"
        if let folder { return [folder + "/" + file, folder + "/lib\(stem).3.dylib"] }
        return ["/opt/homebrew/lib/" + file, "/usr/local/lib/" + file, "/opt/local/lib/" + file, file]
#else
        let file = "lib\(stem).so.3"
        if let folder { return [folder + "/" + file, folder + "/lib\(stem).so"] }
        return [file, "lib\(stem).so"]
#endif
    }

    /// The folder part of a library path, nil for a bare file name.
    private static func folder(of path: String) -> String? {
        path.lastIndex(of: "/").map { String(path[..<$0]) }
    }

    private static func prefix(_ precision: Precision) -> String {
        precision == .double ? "fftw_" : "fftwf_"
    }

    private init?(handle: UnsafeMutableRawPointer, threads: UnsafeMutableRawPointer?, precision: Precision, path: String) {
        let prefix = Self.prefix(precision)
        func symbol<F>(_ name: String, in handle: UnsafeMutableRawPointer, as _: F.Type) -> F? {
            dlsym(handle, prefix + name).map { unsafeBitCast($0, to: F.self) }
        }
        guard let planR2R2D = symbol("plan_r2r_2d", in: handle, as: PlanR2R2D.self),
              let planR2C2D = symbol("plan_dft_r2c_2d", in: handle, as: PlanDFT2D.self),
              let planC2R2D = symbol("plan_dft_c2r_2d", in: handle, as: PlanDFT2D.self),
              let executeR2R = symbol("execute_r2r", in: handle, as: Execute.self),
              let executeR2C = symbol("execute_dft_r2c", in: handle, as: Execute.self),
              let executeC2R = symbol("execute_dft_c2r", in: handle, as: Execute.self),
              let destroyPlan = symbol("destroy_plan", in: handle, as: DestroyPlan.self),
              let malloc = symbol("malloc", in: handle, as: Malloc.self),
              let free = symbol("free", in: handle, as: Free.self),
              let importWisdom = symbol("import_wisdom_from_filename", in: handle, as: Wisdom.self),
              let exportWisdom = symbol("export_wisdom_to_filename", in: handle, as: Wisdom.self)
        else { return nil }
        self.precision = precision
        self.path = path
        self.planR2R2D = planR2R2D
        self.planR2C2D = planR2C2D
        self.planC2R2D = planC2R2D
        self.executeR2R = executeR2R
        self.executeR2C = executeR2C
        self.executeC2R = executeC2R
        self.destroyPlan = destroyPlan
        self.malloc = malloc
        self.free = free
        self.importWisdom = importWisdom
        self.exportWisdom = exportWisdom
        // fftw_init_threads must come before any other FFTW call; it returns 0 on failure.
        if let threads,
           let initThreads = symbol("init_threads", in: threads, as: InitThreads.self),
           let planWithThreads = symbol("plan_with_nthreads", in: threads, as: PlanWithThreads.self),
           initThreads() != 0 {
            self.planWithThreads = planWithThreads
            hasThreads = true
        } else {
            planWithThreads = nil
            hasThreads = false
        }
    }

    /// Sets the number of threads the next plans use (1 without the threads
    /// library). Call only while holding `planner`.
    func setPlannerThreads(_ count: Int) {
        planWithThreads?(Int32(max(1, count)))
    }
}

/// Why FFTW could not be loaded, as the one line `spectral` reports.
struct FFTWUnavailable: Error, Sendable, CustomStringConvertible {
    /// The value of `DIFFUSE_FFTW` that chose where to look, if any.
    let override: String?

    /// The platform's one-line install command.
    static var installCommand: String {
#if canImport(Darwin)
        "brew install fftw"
#else
        "apt-get install libfftw3-dev"
#endif
    }

    var description: String {
        let base = "FFTW 3 is not installed (\(Self.installCommand))"
        guard let override else { return base }
        return base + " [DIFFUSE_FFTW=\(override)]"
    }
}
