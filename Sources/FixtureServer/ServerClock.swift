internal import NIOConcurrencyHelpers
internal import NIOCore
#if canImport(Glibc)
internal import Glibc
#endif

/// The clock the server's timeouts (``ServerLimits``) are measured on: the system's monotonic
/// clock, or a manual one that moves only when a test says so.
///
/// Each connection's state machine (`HTTP1ConnectionStateMachine`) reads this clock when a
/// request starts or a response ends, and on a repeating tick that checks its timeouts (see
/// ``ServerLimits``). With a manual clock a test decides how much time passes, so a test of a
/// timeout does not depend on how fast a loaded machine schedules it; the state machine's own
/// tests move it with no socket at all. Over a real socket:
///
/// ```swift
/// let clock = ServerClock.manual()
/// var limits = ServerLimits()
/// limits.sendTimeout = .seconds(2)
/// limits.clock = clock
/// // … start a download and read nothing, then:
/// clock.advance(by: .seconds(3))
/// await clock.waitForChecks(2)   // the connection has been checked at the new time: closed
/// ```
public final class ServerClock: Sendable {
    /// The system's monotonic clock (the default).
    public static let system = ServerClock(manual: nil)

    /// A clock that stands still until ``advance(by:)``.
    public static func manual() -> ServerClock {
        ServerClock(manual: NIOLockedValueBox(Manual(now: .uptimeNanoseconds(1_000_000_000))))
    }

    struct Manual {
        var now: NIODeadline
        /// Timeout checks so far, and the tasks waiting for a number of them.
        var checks = 0
        /// Connections whose timeouts are being checked, and those that were and have closed.
        var connections = 0
        var closed = 0
        var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let manual: NIOLockedValueBox<Manual>?

    private init(manual: NIOLockedValueBox<Manual>?) {
        self.manual = manual
    }

    /// Now, for marking when a request started or a connection went idle.
    func now() -> NIODeadline {
        guard let manual else { return Self.systemNow() }
        return manual.withLockedValue { $0.now }
    }

    /// The monotonic clock at the kernel tick's resolution (a few milliseconds) where there is
    /// one: the timeouts are seconds long, it is read twice per request, and the coarse clock
    /// is read from memory, with no TSC read (which a VM may trap).
    private static func systemNow() -> NIODeadline {
        #if os(Linux)
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC_COARSE, &now)
        return .uptimeNanoseconds(UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec))
        #else
        return .now()
        #endif
    }

    /// Now, for one check of a connection's timeouts (counted; see ``waitForChecks(_:)``).
    func nowForCheck() -> NIODeadline {
        guard let manual else { return Self.systemNow() }
        let (now, ready) = manual.withLockedValue { state -> (NIODeadline, [CheckedContinuation<Void, Never>]) in
            state.checks += 1
            let checks = state.checks
            let ready = state.waiters.filter { $0.count <= checks }.map(\.continuation)
            state.waiters.removeAll { $0.count <= checks }
            return (state.now, ready)
        }
        for continuation in ready { continuation.resume() }
        return now
    }

    /// A connection started checking its timeouts.
    func checksStarted() {
        manual?.withLockedValue { $0.connections += 1 }
    }

    /// A connection stopped checking its timeouts (it closed): waiters stop waiting, as no
    /// more checks may come.
    func checksStopped() {
        guard let manual else { return }
        let waiting = manual.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            state.connections -= 1
            state.closed += 1
            defer { state.waiters.removeAll() }
            return state.waiters.map(\.continuation)
        }
        for continuation in waiting { continuation.resume() }
    }

    /// Moves a manual clock forward (does nothing to the system clock).
    public func advance(by duration: Duration) {
        manual?.withLockedValue { $0.now = $0.now + duration.timeAmount }
    }

    /// Waits until connections have checked their timeouts `count` more times against a manual
    /// clock, or one of them has closed; returns at once when every connection that opened has
    /// closed (and for the system clock). With one connection open, two checks after
    /// ``advance(by:)`` mean it has seen the new time and acted on it: a connection's checks
    /// run one after the other. Before the first connection is accepted it waits for it.
    public func waitForChecks(_ count: Int = 1) async {
        guard let manual, count > 0 else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let open = manual.withLockedValue { state -> Bool in
                guard state.connections > 0 || state.closed == 0 else { return false }
                state.waiters.append((state.checks + count, continuation))
                return true
            }
            if !open { continuation.resume() }
        }
    }
}
