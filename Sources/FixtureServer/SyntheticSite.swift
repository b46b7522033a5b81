/// A deterministic site of any size, generated on the fly (nothing on disk): `pages` HTML
/// pages linked as a tree with cross links, each with shared requisites (a stylesheet that
/// imports another and pulls in a background image and a font, a script, a logo) and its own
/// (an image and a script), every response with a strong ETag and Last-Modified so the
/// conditional probes get 304s.
///
/// URLs: `/` and `/p/N.html` (pages), `/css/site.css`, `/css/base.css`, `/js/app.js`,
/// `/img/logo.png`, `/img/bg.png`, `/fonts/f.woff2` (shared), `/img/p/N.jpg` and
/// `/js/p/N.js` (per page). So a site of P pages has 3P + 6 URLs.
///
/// ```swift
/// let site = SyntheticSite(pages: 10_000)
/// site.response(for: "/p/42.html")?.contentType  // "text/html; charset=utf-8"
/// ```
public struct SyntheticSite: Sendable {
    public var pages: Int
    /// Every response's Last-Modified (a fixed date: the same site every run).
    public static let lastModified = "Mon, 01 Jan 2024 00:00:00 GMT"

    public init(pages: Int) {
        self.pages = max(1, pages)
    }

    /// URLs the site has (pages, shared and per-page requisites, and the `/favicon.ico`
    /// browsers ask for when a page declares no icon).
    public var urlCount: Int { 3 * pages + 7 }

    /// One generated response.
    public struct Response: Sendable {
        public var contentType: String
        public var body: [UInt8]
        public var etag: String
        public var cacheControl: String
    }

    static func pagePath(_ i: Int) -> String { i == 0 ? "/" : "/p/\(i).html" }

    /// The response for a path, or nil (404).
    public func response(for path: String) -> Response? {
        let longLived = "public, max-age=31536000"
        switch path {
        case "/", "/index.html": return page(0)
        case "/css/site.css":
            return response("text/css", "@import url(/css/base.css);\nbody{background:url(/img/bg.png)}\n"
                + "@font-face{font-family:s;src:url(/fonts/f.woff2) format('woff2')}\n" + filler(1200, seed: 1), longLived)
        case "/css/base.css": return response("text/css", "html{margin:0}\n" + filler(800, seed: 2), longLived)
        case "/js/app.js": return response("text/javascript", "console.log('app');\n" + filler(3000, seed: 3), longLived)
        case "/img/logo.png": return response("image/png", filler(2500, seed: 4), longLived)
        case "/img/bg.png": return response("image/png", filler(1800, seed: 5), longLived)
        case "/fonts/f.woff2": return response("font/woff2", filler(4000, seed: 6), longLived)
        case "/favicon.ico": return response("image/x-icon", filler(1150, seed: 7), "max-age=86400")
        default: break
        }
        if let i = number(in: path, prefix: "/p/", suffix: ".html"), i > 0, i < pages { return page(i) }
        if let i = number(in: path, prefix: "/img/p/", suffix: ".jpg"), i < pages {
            return response("image/jpeg", filler(1000 + (i * 7919) % 9000, seed: i &+ 100), "max-age=86400")
        }
        if let i = number(in: path, prefix: "/js/p/", suffix: ".js"), i < pages {
            return response("text/javascript", "var p=\(i);\n" + filler(200 + (i * 104729) % 800, seed: i &+ 200), "max-age=600")
        }
        return nil
    }

    /// Page i links to its children in a tree (2i+1, 2i+2), home, and one cross link.
    func page(_ i: Int) -> Response {
        var html = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Page \(i)</title>\n"
        html += "<link rel=\"stylesheet\" href=\"/css/site.css\">\n<script src=\"/js/app.js\" defer></script>\n"
        html += "<script src=\"/js/p/\(i).js\" defer></script>\n</head><body>\n<img src=\"/img/logo.png\" alt=\"logo\">\n"
        html += "<nav><a href=\"/\">home</a>"
        for child in [2 * i + 1, 2 * i + 2, (i * 31 + 7) % pages] where child < pages && child != i {
            html += " <a href=\"\(Self.pagePath(child))\">page \(child)</a>"
        }
        html += "</nav>\n<main><img src=\"/img/p/\(i).jpg\" alt=\"\" width=\"640\" height=\"480\">\n<p>"
        html += filler(600 + (i * 37) % 1400, seed: i) + "</p></main></body></html>\n"
        return response("text/html; charset=utf-8", html, "no-cache")
    }

    private func response(_ type: String, _ text: String, _ cacheControl: String) -> Response {
        let body = Array(text.utf8)
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in body { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return Response(contentType: type, body: body, etag: "\"\(String(h, radix: 16))\"", cacheControl: cacheControl)
    }

    /// Deterministic lowercase words, `count` bytes long.
    private func filler(_ count: Int, seed: Int) -> String {
        var state = UInt64(truncatingIfNeeded: seed) &* 0x9E37_79B9_7F4A_7C15 | 1
        var out = [UInt8]()
        out.reserveCapacity(count)
        while out.count < count {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            out.append(out.count % 8 == 7 ? 0x20 : 0x61 + UInt8(state % 26))
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func number(in path: String, prefix: String, suffix: String) -> Int? {
        guard path.hasPrefix(prefix), path.hasSuffix(suffix), path.count > prefix.count + suffix.count else { return nil }
        let digits = path.dropFirst(prefix.count).dropLast(suffix.count)
        guard digits.allSatisfy(\.isASCII), let n = Int(digits), n >= 0, String(n) == digits else { return nil }
        return n
    }
}
