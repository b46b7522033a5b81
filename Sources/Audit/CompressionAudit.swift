public import CrawlModel
internal import Foundation
internal import HTTPSemantics

extension SiteAudit {
    /// Text responses (HTML, CSS, JS, JSON, XML, SVG) of `minBytes` or more (decoded) that are
    /// sent uncompressed, or with gzip/deflate by an origin that sends brotli or zstd for
    /// other files (the crawler asks for all four, as Chromium does): the file lacks its
    /// better-compressed variant. Sorted by URL.
    public static func compressionAdvice(_ resources: [FetchedResource], minBytes: Int) -> [(url: String, advice: String)] {
        let text = resources.filter { $0.exchange.status == 200 && MediaType($0.exchange.contentType ?? "").isCompressibleText }
        var strongest: [String: String] = [:]
        for r in resources {
            let coding = contentCoding(r)
            if coding == "br" || coding == "zstd" { strongest[URL(string: r.exchange.url).map(WebURL.origin(of:)) ?? ""] = coding }
        }
        return text.compactMap { r -> (String, String)? in
            let size = r.exchange.decodedBytes ?? r.exchange.bodyBytes
            guard size >= minBytes else { return nil }
            let coding = contentCoding(r)
            let kind = MediaType.essence(of: r.exchange.contentType)
            if coding == "identity" {
                return (r.url, "\(ByteSize.format(size)) of \(kind) sent uncompressed")
            }
            if coding == "gzip" || coding == "deflate", let better = strongest[URL(string: r.exchange.url).map(WebURL.origin(of:)) ?? ""] {
                return (r.url, "\(ByteSize.format(size)) of \(kind) sent with \(coding) although the server sends \(better) for other files")
            }
            return nil
        }.sorted { $0.0 < $1.0 }
    }

    /// The last `Content-Encoding` of a response, lower-cased (`identity` when none).
    static func contentCoding(_ r: FetchedResource) -> String {
        let header = r.exchange.responseHeaders.first("Content-Encoding")?.lowercased() ?? ""
        let last = header.split(separator: ",").last.map { $0.trimmingCharacters(in: [" "]) } ?? ""
        return last.isEmpty ? "identity" : last
    }
}
