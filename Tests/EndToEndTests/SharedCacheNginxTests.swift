import Audit
import CrawlModel
import Foundation
import Glibc
import Testing
import TestSupport

/// A TCP port on 127.0.0.1 that was free a moment ago (the kernel picks it).
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EMFILE) }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw POSIXError(.EADDRINUSE) }
    return Int(UInt16(bigEndian: address.sin_port))
}

@Suite("Shared-cache audit against Debian's nginx configured with the same mistakes as Samples/CDNSite")
struct SharedCacheNginxTests {
    /// nginx.conf for the sample: each location makes the mistake the sample's policy file
    /// makes; a second server on `fontPort` serves fonts without Access-Control-Allow-Origin.
    static func config(root: String, work: String, port: Int, fontPort: Int) -> String {
        """
        worker_processes 1;
        pid \(work)/nginx.pid;
        error_log \(work)/error.log;
        events { worker_connections 64; }
        http {
          include /etc/nginx/mime.types;
          access_log off;
          client_body_temp_path \(work)/tmp; proxy_temp_path \(work)/tmp; fastcgi_temp_path \(work)/tmp;
          uwsgi_temp_path \(work)/tmp; scgi_temp_path \(work)/tmp;
          expires 1h;
          server {
            listen 127.0.0.1:\(port);
            root \(root);
            location = /css/cookie.css { add_header Set-Cookie "session=abc123; Path=/; HttpOnly"; }
            location = /css/precompressed.css { gzip_static on; gzip_vary off; }
            location = /js/vary-star.js { add_header Vary "*"; }
            location = /js/vary-ua.js { add_header Vary "User-Agent"; }
            location = /img/vary-cookie.png { add_header Vary "Cookie"; }
            location = /img/private.png { expires off; add_header Cache-Control "private, max-age=600"; }
            location = /img/no-store.png { expires off; add_header Cache-Control "no-store"; }
            location = /js/app.js { expires 7d; }
            location = /js/app.3f9a1c2e.js { expires 1h; }
            # A `return` answer has neither ETag nor Last-Modified.
            location = /img/no-validator.png { default_type image/png; return 200 "png"; }
          }
          server {
            listen 127.0.0.1:\(fontPort);
            root \(root);
          }
        }
        """
    }

    @Test("every code of the sample, and a cross-origin font, found on nginx's responses", .requires(.nginx))
    func nginxMistakes() async throws {
        let nginx = try #require(ExternalTool.nginx.path)
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("assetcrawl-nginx-\(UUID().uuidString)")
        let root = work.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: work.appendingPathComponent("tmp"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        try FileManager.default.copyItem(at: SharedCacheTests.site, to: root)
        let (port, fontPort) = (try freeLoopbackPort(), try freeLoopbackPort())
        try FileManager.default.createDirectory(at: root.appendingPathComponent("fonts"), withIntermediateDirectories: true)
        try Data("wOF2 not really a font".utf8).write(to: root.appendingPathComponent("fonts/f.woff2"))
        try Data("""
            <!DOCTYPE html><html><head><style>
            @font-face { font-family: X; src: url(http://127.0.0.1:\(fontPort)/fonts/f.woff2) format("woff2"); }
            body { font-family: X, serif; }
            </style></head><body>text</body></html>
            """.utf8).write(to: root.appendingPathComponent("font.html"))
        let conf = work.appendingPathComponent("nginx.conf")
        try Data(Self.config(root: root.path, work: work.path, port: port, fontPort: fontPort).utf8).write(to: conf)
        // In the foreground, as this test's child: stopped by its pid below, and no daemon
        // left holding the test runner's pipes.
        let server = Process()
        server.executableURL = URL(fileURLWithPath: nginx)
        server.arguments = ["-c", conf.path, "-p", work.path, "-g", "daemon off; master_process off;"]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer {
            // nginx without a master process does not stop on SIGTERM.
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        // Ready once it answers (bounded: 100 tries, 10 s).
        var ready = false
        for _ in 0..<100 where !ready {
            try await Task.sleep(for: .milliseconds(100))
            ready = FileManager.default.fileExists(atPath: work.appendingPathComponent("nginx.pid").path) || !server.isRunning
        }
        let errors = (try? String(contentsOf: work.appendingPathComponent("error.log"), encoding: .utf8)) ?? ""
        try #require(server.isRunning, "nginx did not start: \(errors)")
        let base = URL(string: "http://127.0.0.1:\(port)/")!
        let result = try await crawlOnce(base, base.appendingPathComponent("font.html"))
        let found = problemCodes(result, base: base)
        #expect(found == (try SharedCacheTests.Expected.load().problems), "nginx: \(found)")
        let font = try #require(result.resources["http://127.0.0.1:\(fontPort)/fonts/f.woff2"])
        #expect(font.exchange.status == 200)
        #expect(SharedCacheFreshness(font, siteOrigins: [WebURL.origin(of: base)]).problems.map(\.code) == [.CROSS_ORIGIN_FONT_NO_CORS])
    }
}
