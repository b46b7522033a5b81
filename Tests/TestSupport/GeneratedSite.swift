/// A site of `pages` pages as files (path → text) for crawl tests: a binary tree of links
/// (page i links to pages 2i and 2i+1 and back home, so each page's depth is the same in
/// whatever order the crawl goes), a shared stylesheet that pulls in an image and a font,
/// a shared script, and one image per page (one of them missing: a broken reference).
public func generatedSite(pages: Int) -> [String: String] {
    func path(_ i: Int) -> String { i == 1 ? "/" : "/p/\(i).html" }
    var files: [String: String] = [
        "shared.css": "body{background:url(/img/bg.png)}@font-face{font-family:f;src:url(/font.woff2) format('woff2')}",
        "app.js": "console.log(1)",
        "img/bg.png": "png",
        "font.woff2": "woff2",
    ]
    for i in 1...pages {
        var html = "<!doctype html><html><head><link rel=stylesheet href=/shared.css><script src=/app.js></script></head><body>"
        html += "<img src=/img/\(i).png alt=\"\"><a href=/>home</a>"
        for child in [2 * i, 2 * i + 1] where child <= pages { html += "<a href=\(path(child))>\(child)</a>" }
        html += "</body></html>"
        files[i == 1 ? "index.html" : "p/\(i).html"] = html
        if i != 3 { files["img/\(i).png"] = "png \(i)" }
    }
    return files
}
