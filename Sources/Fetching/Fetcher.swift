public import CrawlModel
public import Foundation

/// One request the crawler wants made.
public struct FetchRequest: Sendable {
    public var url: URL
    public var method: String
    public var headers: [HeaderField]
    /// Decides, from the response's `Content-Type`, whether the body is kept (and decoded)
    /// for extraction. Bodies not kept are counted and dropped as they arrive.
    public var keepBody: @Sendable (_ contentType: String?) -> Bool
    /// Hash the body as it arrives (for telling a re-sent body from a changed one).
    /// Off when nothing will compare it, e.g. a crawl without revalidation.
    public var digest: Bool
    /// This request's body cap instead of the fetcher's (robots.txt is read up to 500 KiB
    /// whatever `--max-body` says, RFC 9309 §2.5).
    public var maxBodyBytes: Int?

    public init(url: URL, method: String = "GET", headers: [HeaderField] = [], digest: Bool = true,
                maxBodyBytes: Int? = nil, keepBody: @escaping @Sendable (String?) -> Bool = { _ in false }) {
        self.url = url
        self.method = method
        self.headers = headers
        self.digest = digest
        self.maxBodyBytes = maxBodyBytes
        self.keepBody = keepBody
    }
}

/// What came back: the exchange, and the decoded body when it was kept.
public struct FetchResponse: Sendable {
    public var exchange: Exchange
    /// The decoded body, when `keepBody` said so and decoding worked.
    public var body: [UInt8]?
    /// A 64-bit hash of the wire body, to tell a re-sent body from a changed one.
    public var digest: UInt64?

    public init(exchange: Exchange, body: [UInt8]? = nil, digest: UInt64? = nil) {
        self.exchange = exchange
        self.body = body
        self.digest = digest
    }
}

/// The transport: one method. Redirects, retries and throttling wrap it; tests use fakes.
/// A failure is never thrown: it is an `Exchange` whose `error` says what went wrong.
public protocol Fetcher: Sendable {
    func fetch(_ request: FetchRequest) async -> FetchResponse
}
