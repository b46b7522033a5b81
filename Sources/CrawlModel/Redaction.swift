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

    /// Compared without lowercasing (no allocation), lengths first (most names have none of a
    /// secret's lengths): this runs for every header of every exchange.
    public func isSecret(_ name: String) -> Bool {
        let length = name.utf8.count
        return names.contains { $0.utf8.count == length && HeaderField.namesEqual($0, name) }
    }

    /// The headers with every secret value replaced by ``placeholder`` (names and order kept).
    public func apply(_ headers: [HeaderField]) -> [HeaderField] {
        var headers = headers
        redact(&headers)
        return headers
    }

    /// Replaces every secret value in place; most exchanges carry none, and are then not
    /// written to (no copy of the array or of the exchange holding it).
    public func redact(_ headers: inout [HeaderField]) {
        guard let first = headers.firstIndex(where: { isSecret($0.name) }) else { return }
        for i in headers.indices[first...] where isSecret(headers[i].name) {
            headers[i] = HeaderField(name: headers[i].name, value: Self.placeholder)
        }
    }

    /// Redacts an exchange's request and response headers in place.
    public func redact(_ exchange: inout Exchange) {
        redact(&exchange.requestHeaders)
        redact(&exchange.responseHeaders)
    }

    /// Redacts a resource's hops, final exchange and probes in place.
    public func redact(_ resource: inout FetchedResource) {
        for i in resource.redirects.indices { redact(&resource.redirects[i]) }
        redact(&resource.exchange)
        // In place through the optionals: a probe with no secret is not written to.
        if resource.revalidation?.ifNoneMatch != nil { redact(&resource.revalidation!.ifNoneMatch!.exchange) }
        if resource.revalidation?.ifModifiedSince != nil { redact(&resource.revalidation!.ifModifiedSince!.exchange) }
    }
}
