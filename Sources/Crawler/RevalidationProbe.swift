public import CrawlModel
public import Fetching
public import Foundation

/// Asks for a URL again, once with If-None-Match alone and once with If-Modified-Since
/// alone, and names each outcome as `docs/HTTP-CONFORMANCE.md` does.
public struct RevalidationProbe: Sendable {
    let fetcher: any Fetcher
    let headers: [HeaderField]

    public init(fetcher: any Fetcher, headers: [HeaderField]) {
        self.fetcher = fetcher
        self.headers = headers
    }

    /// Headers a 304 must repeat when the 200 had them (RFC 9110 §15.4.5).
    static let headersA304Repeats = ["ETag", "Cache-Control", "Expires", "Vary", "Content-Location"]

    public func probe(url: URL, original: FetchResponse) async -> Revalidation {
        var result = Revalidation()
        let first = original.exchange
        if let etag = first.responseHeaders.field("ETag") {
            if etag.rawValue == nil, etag.value.unicodeScalars.contains("\u{FFFD}") {
                // The transport (AsyncHTTPClient) decoded the ETag's bytes as UTF-8 and lost
                // the ones that were not: what it would send back is another validator.
                var exchange = Exchange(url: url.absoluteString, requestHeaders: headers)
                exchange.error = FetchError(.notFetched, "not sent: the ETag has bytes that are not UTF-8, and this transport did not keep them to send back")
                result.ifNoneMatch = Probe(exchange: exchange, verdict: .INM_STATUS)
            } else {
                // The ETag's bytes exactly as received (RFC 9110 §8.8.3: an opaque string).
                let condition = HeaderField(name: "If-None-Match", value: etag.value, rawValue: etag.rawValue)
                let response = await fetcher.fetch(FetchRequest(url: url, headers: headers + [condition]))
                result.ifNoneMatch = classify(response, original: original, validator: .etag)
            }
        } else {
            result.ifNoneMatch = nil
        }
        if let lastModified = first.lastModified {
            let response = await fetcher.fetch(FetchRequest(url: url, headers: headers + [HeaderField(name: "If-Modified-Since", value: lastModified)]))
            result.ifModifiedSince = classify(response, original: original, validator: .lastModified)
        }
        return result
    }

    enum Validator { case etag, lastModified }

    /// A 304 whose ETag or Last-Modified is not the 200's (compared byte for byte): RFC 9110
    /// §15.4.5 has the 304 describe the stored response, so a cache would update it to a
    /// validator that names another representation.
    static func validatorsDiffer(_ original: Exchange, _ notModified: Exchange) -> Bool {
        for name in ["ETag", "Last-Modified"] {
            guard let before = original.responseHeaders.field(name), let after = notModified.responseHeaders.field(name) else { continue }
            if before.valueBytes != after.valueBytes { return true }
        }
        return false
    }

    func classify(_ response: FetchResponse, original: FetchResponse, validator: Validator) -> Probe {
        let exchange = response.exchange
        let isETag = validator == .etag
        switch exchange.status {
        case 304:
            var notes: [RevalidationVerdict] = []
            let missing = Self.headersA304Repeats.filter { original.exchange.responseHeaders.first($0) != nil && exchange.responseHeaders.first($0) == nil }
            if !missing.isEmpty { notes.append(.MISSING_HDRS_304) }
            if Self.validatorsDiffer(original.exchange, exchange) { notes.append(.CHANGED_VALIDATOR_304) }
            return Probe(exchange: exchange, verdict: isETag ? .INM_304 : .IMS_304, notes: notes)
        case 200:
            if isETag, response.digest != original.digest, exchange.etag == original.exchange.etag {
                return Probe(exchange: exchange, verdict: .INM_DUP_ETAG)
            }
            return Probe(exchange: exchange, verdict: isETag ? .INM_FULL : .IMS_FULL)
        default:
            return Probe(exchange: exchange, verdict: isETag ? .INM_STATUS : .IMS_STATUS)
        }
    }
}
