/// Which header values are secrets, and their replacement: `Authorization`,
/// `Proxy-Authorization`, `Cookie`, `Set-Cookie` and every header the user gave (`--header`,
/// `--user`). The crawler applies it to each exchange before it is stored, so no report, HAR,
/// store or log line can hold a secret.
///
/// ```swift
/// let redaction = Redaction(extraNames: ["X-Secret"])
/// redaction.apply([HeaderField(name: "x-secret", value: "tok123")])  // [x-secret: [redacted]]
/// ```
public struct Redaction: Sendable, Hashable {
    /// What a secret value is replaced with.
    public static let placeholder = "[redacted]"
    /// Headers whose values are secrets whatever the user gave.
    public static let alwaysSecret = ["Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie"]

    /// The secret header names, as given (compared case-insensitively).
    public let names: [String]

    public init(extraNames: [String] = []) {
        var names = Self.alwaysSecret
        for name in extraNames where !names.contains(where: { HeaderField.namesEqual($0, name) }) { names.append(name) }
        self.names = names
    }

    /// Compared without lowercasing (no allocation): this runs for every header of every exchange.
    public func isSecret(_ name: String) -> Bool { names.contains { HeaderField.namesEqual($0, name) } }

    /// The headers with every secret value replaced by ``placeholder`` (names and order kept).
    public func apply(_ headers: [HeaderField]) -> [HeaderField] {
        // Most exchanges carry no secret: no copy then.
        guard headers.contains(where: { isSecret($0.name) }) else { return headers }
        return headers.map { isSecret($0.name) ? HeaderField(name: $0.name, value: Self.placeholder) : $0 }
    }

    /// The exchange with secrets redacted in its request and response headers.
    public func apply(_ exchange: Exchange) -> Exchange {
        var e = exchange
        e.requestHeaders = apply(e.requestHeaders)
        e.responseHeaders = apply(e.responseHeaders)
        return e
    }

    /// A resource with its hops, final exchange and probes redacted.
    public func apply(_ resource: FetchedResource) -> FetchedResource {
        var r = resource
        r.redirects = r.redirects.map(apply)
        r.exchange = apply(r.exchange)
        if var revalidation = r.revalidation {
            if let probe = revalidation.ifNoneMatch { revalidation.ifNoneMatch?.exchange = apply(probe.exchange) }
            if let probe = revalidation.ifModifiedSince { revalidation.ifModifiedSince?.exchange = apply(probe.exchange) }
            r.revalidation = revalidation
        }
        return r
    }
}
