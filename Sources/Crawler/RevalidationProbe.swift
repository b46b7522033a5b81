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
        if let etag = first.etag {
            let response = await fetcher.fetch(FetchRequest(url: url, headers: headers + [HeaderField(name: "If-None-Match", value: etag)]))
            result.ifNoneMatch = classify(response, original: original, validator: .etag)
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

    func classify(_ response: FetchResponse, original: FetchResponse, validator: Validator) -> Probe {
        let exchange = response.exchange
        let isETag = validator == .etag
        switch exchange.status {
        case 304:
            var notes: [RevalidationVerdict] = []
            let missing = Self.headersA304Repeats.filter { original.exchange.responseHeaders.first($0) != nil && exchange.responseHeaders.first($0) == nil }
            if !missing.isEmpty { notes.append(.MISSING_HDRS_304) }
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
