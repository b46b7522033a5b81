internal import NIOCore

/// Limits that keep one client from exhausting the server. Every refusal is logged at notice
/// level with the reason.
public struct ServerLimits: Sendable {
    /// A longer request target gets 414 (nginx's default buffer is 8 KB too). Targets longer
    /// than ``maxHeaderFieldBytes`` are stopped by the parser and get 431.
    public var maxRequestTargetBytes = 8 * 1024
    /// One header field (name and value), or the request target, beyond this gets 431.
    public var maxHeaderFieldBytes = 16 * 1024
    /// All header fields together beyond this get 431.
    public var maxHeaderListBytes = 32 * 1024
    /// More header fields than this get 431.
    public var maxHeaderCount = 100
    /// From the first byte of a request to the end of its head: a client that trickles a
    /// request head (slowloris) is disconnected when this runs out (nginx's `client_header_timeout`).
    public var requestTimeout: Duration = .seconds(10)
    /// From the end of a request's head to the end of the request: a client that trickles a
    /// request body is disconnected when this runs out.
    public var bodyTimeout: Duration = .seconds(10)
    /// A kept-alive connection with no request in progress is closed after this long.
    public var idleTimeout: Duration = .seconds(60)
    /// A response the client takes nothing of for this long is abandoned and the connection
    /// closed. Like nginx's `send_timeout`, this is the time between two signs of progress,
    /// not a bound on the whole transfer; progress is what the client's TCP acknowledges (on
    /// Linux), so a slow but steady reader is never cut off.
    public var sendTimeout: Duration = .seconds(60)
    /// Connections beyond this many are closed as soon as they are accepted.
    public var maxConnections = 1024
    /// The clock the HTTP/1.1 timeouts above are measured on; tests use ``ServerClock/manual()``.
    /// (A TLS connection's idle timeout before its handshake runs on NIO's own timer.)
    public var clock: ServerClock = .system

    public init() {}
}

extension Duration {
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
