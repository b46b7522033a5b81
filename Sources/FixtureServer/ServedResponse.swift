/// One response as the server wrote it, for ``FixtureServer/Configuration/onResponse``.
public struct ServedResponse: Sendable {
    public var method: String
    /// The request target as sent (`/css/site.css?v=2`).
    public var target: String
    public var status: Int
    /// The request's header fields, in order.
    public var headers: [(name: String, value: String)]
    /// Head and body bytes written (HTTP/1.x; on HTTP/2 only the body).
    public var bytes: Int
}
