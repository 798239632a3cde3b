import DiffusionKit
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGINT (Ctrl-C), SIGTERM and SIGHUP: never leave temporary files or
/// running children behind.
///
/// Two modes:
/// - **cooperative** (`diffuse run`): the first signal only sets a flag; the
///   stepping loop sees it between chunks (`Simulation.shouldPause`), saves
///   a checkpoint if one was asked for, and exits with 128 + the signal
///   (130 for SIGINT, 143 for SIGTERM). A second signal exits at once.
/// - **immediate** (`bench`, `tune`, …): the first signal exits at once.
///
/// Exiting "at once" happens in the handler itself, with async-signal-safe
/// calls only: registered children (`CleanupRegistry`) get SIGKILL, the
/// registered temporary files are unlinked, and the process ends with
/// `_exit(128 + signal)`. Temporary *folders* cannot be removed safely
/// inside a handler (that needs `opendir`, which allocates), so when there
/// are any the handler wakes a watcher thread through a pipe, which removes
/// them and then exits.
enum SignalHandling {
    /// The signals handled.
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// The first signal received, or 0.
    static var received: Int32 { firstSignal.load(ordering: .acquiring) }

    /// True once a signal has been received.
    static var interrupted: Bool { received != 0 }

    /// The conventional exit status after `signal`: 128 + its number.
    static func exitStatus(for signal: Int32) -> Int32 { 128 + signal }

    /// The signal's name as the shell spells it.
    static func name(of signal: Int32) -> String {
        switch signal {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        case SIGHUP: "SIGHUP"
        default: "signal \(signal)"
        }
    }

    /// Installs the handlers. Call once, early in a command's `run()`.
    static func install(cooperative: Bool) {
        CleanupRegistry.prepare()
        _ = firstSignal.load(ordering: .relaxed)
        _ = signalCount.load(ordering: .relaxed)
        isCooperative.store(cooperative, ordering: .releasing)
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            wakeRead.store(fds[0], ordering: .releasing)
            wakeWrite.store(fds[1], ordering: .releasing)
            startWatcher(readEnd: fds[0])
        }
        for signal in signals {
            var action = sigaction()
            #if canImport(Glibc)
            action.__sigaction_handler.sa_handler = handle
            #else
            action.__sigaction_u.__sa_handler = handle
            #endif
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0  // no SA_RESTART: a blocking read returns EINTR and the loop re-checks
            sigaction(signal, &action, nil)
        }
        // A parent may have started us with these signals blocked (Foundation's
        // Process passes on its thread's mask): unblock them, or they would
        // wait forever.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for signal in signals { sigaddset(&unblock, signal) }
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    }

    // MARK: - State shared with the handler (atomics only)

    private static let firstSignal = Atomic<Int32>(0)
    private static let signalCount = Atomic<Int>(0)
    private static let isCooperative = Atomic<Bool>(false)
    private static let wakeRead = Atomic<Int32>(-1)
    private static let wakeWrite = Atomic<Int32>(-1)

    /// The handler: async-signal-safe calls only (atomics, kill, unlink, write, _exit).
    private static let handle: @convention(c) (Int32) -> Void = { signal in
        let count = signalCount.add(1, ordering: .acquiringAndReleasing).newValue
        if count == 1 { firstSignal.store(signal, ordering: .releasing) }
        if count == 1 && isCooperative.load(ordering: .acquiring) { return }
        CleanupRegistry.stopChildrenNow()
        CleanupRegistry.removeFilesNow()
        let first = firstSignal.load(ordering: .acquiring)
        if count == 1, CleanupRegistry.hasFoldersNow, wakeWrite.load(ordering: .acquiring) >= 0 {
            var byte = UInt8(truncatingIfNeeded: first)
            _ = write(wakeWrite.load(ordering: .acquiring), &byte, 1)
            return
        }
        _exit(exitStatus(for: first == 0 ? signal : first))
    }

    /// A thread that waits for the handler's byte, removes the registered
    /// folders, and exits.
    private static func startWatcher(readEnd: Int32) {
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { _ in
            var byte: UInt8 = 0
            let descriptor = SignalHandling.wakeRead.load(ordering: .acquiring)
            while true {
                let got = read(descriptor, &byte, 1)
                if got == 1 { break }
                if got < 0 && errno == EINTR { continue }
                return nil
            }
            CleanupRegistry.stopChildrenNow()
            CleanupRegistry.removeFoldersNow()
            CleanupRegistry.removeFilesNow()
            _exit(SignalHandling.exitStatus(for: Int32(byte)))
        }, nil)
        if started == 0 { pthread_detach(thread) }
    }
}
