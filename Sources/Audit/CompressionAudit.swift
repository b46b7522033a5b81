public import CrawlModel
internal import Foundation
internal import HTTPSemantics

extension SiteAudit {
    /// Records the origin of `r` in `strongest` when it was sent with brotli or zstd.
    public static func noteStrongestCoding(_ r: FetchedResource, in strongest: inout [String: String]) {
        let coding = contentCoding(r)
        if coding == "br" || coding == "zstd" { strongest[URL(string: r.exchange.url).map(WebURL.origin(of:)) ?? ""] = coding }
    }

    /// The advice for a text response (HTML, CSS, JS, JSON, XML, SVG) of `minBytes` or more
    /// (decoded) sent uncompressed, or with gzip/deflate by an origin that sends brotli or zstd
    /// for other files (the crawler asks for all four, as Chromium does): the file lacks its
    /// better-compressed variant. `strongest`: the best coding each origin sent
    /// (``noteStrongestCoding(_:in:)``). Nil when the response is fine.
    public static func compressionAdvice(_ r: FetchedResource, minBytes: Int, strongest: [String: String]) -> String? {
        guard r.exchange.status == 200, MediaType(r.exchange.contentType ?? "").isCompressibleText else { return nil }
        let size = r.exchange.decodedBytes ?? r.exchange.bodyBytes
        guard size >= minBytes else { return nil }
        let coding = contentCoding(r)
        let kind = MediaType.essence(of: r.exchange.contentType)
        if coding == "identity" {
            return "\(ByteSize.format(size)) of \(kind) sent uncompressed"
        }
        if coding == "gzip" || coding == "deflate", let better = strongest[URL(string: r.exchange.url).map(WebURL.origin(of:)) ?? ""] {
            return "\(ByteSize.format(size)) of \(kind) sent with \(coding) although the server sends \(better) for other files"
        }
        return nil
    }

    /// The last `Content-Encoding` of a response, lower-cased (`identity` when none).
    static func contentCoding(_ r: FetchedResource) -> String {
        let header = r.exchange.responseHeaders.first("Content-Encoding")?.lowercased() ?? ""
        let last = header.split(separator: ",").last.map { $0.trimmingCharacters(in: [" "]) } ?? ""
        return last.isEmpty ? "identity" : last
    }
}
