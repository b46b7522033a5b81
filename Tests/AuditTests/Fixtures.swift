import CrawlModel

/// Hand-built crawl results: a page with a stylesheet, a script and images, with headers the test chooses.
enum Site {
    static let origin = "http://example.test"

    static func response(_ path: String, status: Int? = 200, kind: AssetKind, bytes: Int, headers: [(String, String)] = [],
                         validators: Bool = true, inm: RevalidationVerdict? = .INM_304, error: FetchError? = nil) -> FetchedResource {
        var fields = headers.map { HeaderField(name: $0.0, value: $0.1) }
        if validators {
            fields += [HeaderField(name: "ETag", value: "\"\(path.hashValue & 0xffff)\""),
                       HeaderField(name: "Last-Modified", value: "Sun, 01 Nov 2026 10:00:00 GMT")]
        }
        let exchange = Exchange(url: origin + path, status: status, responseHeaders: fields, headerBytes: 100, bodyBytes: bytes, error: error)
        var revalidation: Revalidation?
        if status == 200 && validators {
            let code = inm == .INM_304 ? 304 : 200
            revalidation = Revalidation(
                ifNoneMatch: inm.map { Probe(exchange: Exchange(url: origin + path, status: code, headerBytes: 80, bodyBytes: code == 304 ? 0 : bytes), verdict: $0) },
                ifModifiedSince: Probe(exchange: Exchange(url: origin + path, status: 304, headerBytes: 80), verdict: .IMS_304))
        }
        return FetchedResource(url: origin + path, kind: kind, exchange: exchange, revalidation: revalidation)
    }

    static func reference(_ path: String, _ element: String, _ attribute: String, line: Int, kind: AssetKind) -> Reference {
        Reference(url: origin + path, raw: path, element: element, attribute: attribute, line: line, kind: kind, role: .requisite)
    }

    /// `/` → `/css/app.css` (→ `/img/bg.png`), `/js/app.3f9a1c2e.js`, `/img/hero.png`, `/img/missing.png` (404).
    static func crawl(page: [(String, String)] = [("Content-Type", "text/html")], script: [(String, String)] = [("Content-Type", "text/javascript"), ("Cache-Control", "public, max-age=31536000, immutable")],
                      css: [(String, String)] = [("Content-Type", "text/css"), ("Content-Encoding", "gzip")],
                      cssINM: RevalidationVerdict = .INM_304, heroValidators: Bool = true, heroBytes: Int = 5000) -> CrawlResult {
        let resources = [
            response("/", kind: .page, bytes: 2000, headers: page),
            response("/css/app.css", kind: .stylesheet, bytes: 3000, headers: css, inm: cssINM),
            response("/img/bg.png", kind: .image, bytes: 1000, headers: [("Content-Type", "image/png")]),
            response("/js/app.3f9a1c2e.js", kind: .script, bytes: 4000, headers: script),
            response("/img/hero.png", kind: .image, bytes: heroBytes, headers: [("Content-Type", "image/png")], validators: heroValidators),
            response("/img/missing.png", status: 404, kind: .image, bytes: 100, headers: [("Content-Type", "text/html")], validators: false),
        ]
        let page = PageResult(url: origin + "/", depth: 0, references: [
            reference("/css/app.css", "link", "href", line: 4, kind: .stylesheet),
            reference("/js/app.3f9a1c2e.js", "script", "src", line: 5, kind: .script),
            reference("/img/hero.png", "img", "src", line: 9, kind: .image),
            reference("/img/missing.png", "img", "src", line: 12, kind: .image),
        ])
        return CrawlResult(
            startURLs: [origin + "/"], pages: [page],
            subresourceReferences: [origin + "/css/app.css": [reference("/img/bg.png", "css", "url", line: 2, kind: .image)]],
            resources: Dictionary(uniqueKeysWithValues: resources.map { ($0.url, $0) }))
    }
}
