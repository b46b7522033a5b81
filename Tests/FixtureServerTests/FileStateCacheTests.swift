@testable import FixtureServer
import HTTPSemantics
import Foundation
import Testing
import TestSupport

/// The server keeps what it learnt about files (resolved paths, ETags, headers) per event loop
/// and trusts it until inotify reports a change. Each test asks over one kept-alive
/// connection, so every request meets the same cache, and changes the files between
/// requests the way deploys do.
@Suite("Embedded server: what it caches about files follows every change at once")
struct FileStateCacheTests {
    /// GET on the connection; the status, the headers (lowercased names) and the body.
    func get(_ connection: RawConnection, _ path: String, _ extra: String = "") -> (status: Int?, headers: [String: String], body: String) {
        connection.send("GET \(path) HTTP/1.1\r\nHost: a\r\n\(extra)\r\n")
        return connection.readResponse()
    }

    @Test("a file replaced by rename (an atomic deploy), same size and mtime, is served at once with its new ETag")
    func renamedOver() async throws {
        try await withTemporarySite(["app.js": "version-1"]) { root in
            try await FixtureServer.withFixtureServer(root: root) { base in
                let connection = try RawConnection(port: base.port!)
                let first = get(connection, "/app.js")
                let etag = try #require(first.headers["etag"])
                #expect(get(connection, "/app.js", "If-None-Match: \(etag)\r\n").status == 304)

                let path = root.appendingPathComponent("app.js").path
                let mtime = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as! Date
                let staged = root.appendingPathComponent(".app.js.tmp")
                try Data("version-2".utf8).write(to: staged)
                try FileManager.default.setAttributes([.modificationDate: mtime], ofItemAtPath: staged.path)
                #expect(rename(staged.path, path) == 0)

                let after = get(connection, "/app.js", "If-None-Match: \(etag)\r\n")
                #expect(after.status == 200)
                #expect(after.body == "version-2")
                #expect(after.headers["etag"] != etag)
            }
        }
    }

    @Test("a file deleted is 404 at once and served again once it is back; a folder renamed away takes its files")
    func deletedAndMoved() async throws {
        try await withTemporarySite(["a.css": "a{}", "img/b.png": "png"]) { root in
            try await FixtureServer.withFixtureServer(root: root) { base in
                let connection = try RawConnection(port: base.port!)
                #expect(get(connection, "/a.css").status == 200)
                #expect(get(connection, "/img/b.png").status == 200)

                try FileManager.default.removeItem(at: root.appendingPathComponent("a.css"))
                #expect(get(connection, "/a.css").status == 404)
                try Data("a{color:red}".utf8).write(to: root.appendingPathComponent("a.css"))
                let back = get(connection, "/a.css")
                #expect(back.status == 200)
                #expect(back.body == "a{color:red}")

                try FileManager.default.moveItem(at: root.appendingPathComponent("img"), to: root.appendingPathComponent("images"))
                #expect(get(connection, "/img/b.png").status == 404)
                #expect(get(connection, "/images/b.png").body == "png")
            }
        }
    }

    @Test("a folder served through its index page follows the index file away and back; an encoded target too")
    func indexAndEncodedTargets() async throws {
        try await withTemporarySite(["docs/index.html": "<p>docs</p>", "a b.css": "a{}"]) { root in
            try await FixtureServer.withFixtureServer(root: root) { base in
                let connection = try RawConnection(port: base.port!)
                #expect(get(connection, "/docs/").body == "<p>docs</p>")
                #expect(get(connection, "/a%20b.css").body == "a{}")
                try FileManager.default.removeItem(at: root.appendingPathComponent("docs/index.html"))
                try FileManager.default.removeItem(at: root.appendingPathComponent("a b.css"))
                #expect(get(connection, "/docs/").status == 404)
                #expect(get(connection, "/a%20b.css").status == 404)
                try Data("<p>new</p>".utf8).write(to: root.appendingPathComponent("docs/index.html"))
                #expect(get(connection, "/docs/").body == "<p>new</p>")
            }
        }
    }

    @Test("a file touched in place (content rewritten, then mtime set back) gets a new ETag at once")
    func rewrittenInPlace() async throws {
        try await withTemporarySite(["data.txt": "aaaa"]) { root in
            try await FixtureServer.withFixtureServer(root: root) { base in
                let connection = try RawConnection(port: base.port!)
                let etag = try #require(get(connection, "/data.txt").headers["etag"])
                let url = root.appendingPathComponent("data.txt")
                let mtime = try FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as! Date
                let handle = try FileHandle(forWritingTo: url)
                try handle.write(contentsOf: Data("bbbb".utf8))
                try handle.close()
                try FileManager.default.setAttributes([.modificationDate: mtime], ofItemAtPath: url.path)
                let after = get(connection, "/data.txt", "If-None-Match: \(etag)\r\n")
                #expect(after.status == 200)
                #expect(after.body == "bbbb")
            }
        }
    }

    @Test("a file too big to keep in memory: 304, HEAD and GET from the file, and a rewrite of it seen at once")
    func bigFile() async throws {
        // 200 KiB of text, so the body read back compares exactly.
        let content = String(repeating: "0123456789abcdef", count: 200 * 1024 / 16)
        try await withTemporarySite(["big.txt": content]) { root in
            try await FixtureServer.withFixtureServer(root: root) { base in
                let connection = try RawConnection(port: base.port!)
                let first = get(connection, "/big.txt")
                #expect(first.headers["content-length"] == String(content.utf8.count))
                #expect(first.body == content)
                let etag = try #require(first.headers["etag"])
                #expect(get(connection, "/big.txt", "If-None-Match: \(etag)\r\n").status == 304)
                connection.send("HEAD /big.txt HTTP/1.1\r\nHost: a\r\n\r\n")
                let headOnly = connection.readResponse(head: true)
                #expect(headOnly.status == 200)
                #expect(headOnly.headers["content-length"] == String(content.utf8.count))
                #expect(headOnly.headers["etag"] == etag)

                // Same size, one byte different.
                let changed = "X" + content.dropFirst()
                try Data(changed.utf8).write(to: root.appendingPathComponent("big.txt"))
                let after = get(connection, "/big.txt", "If-None-Match: \(etag)\r\n")
                #expect(after.status == 200)
                #expect(after.headers["etag"] != etag)
                #expect(after.body == changed)
            }
        }
    }

    /// Where this process's open descriptors lead (the server runs in it), by `/proc/self/fd`.
    func openDescriptorTargets() -> [String] {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return fds.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0) }
    }

    @Test("a big file's repeated GETs share one open descriptor, which a rename over it or a delete closes; every body is the file's as it is")
    func bigFileDescriptorFollowsChanges() async throws {
        let content = String(repeating: "0123456789abcdef", count: 200 * 1024 / 16)
        try await withTemporarySite(["big.txt": content]) { root in
            try await FixtureServer.withFixtureServer(root: root) { base in
                let path = root.resolvingSymlinksInPath().appendingPathComponent("big.txt").path
                let connection = try RawConnection(port: base.port!)
                for _ in 0..<3 {
                    let response = get(connection, "/big.txt")
                    #expect(response.status == 200)
                    #expect(response.body == content)
                }
                // Three responses, done; the cached representation keeps one descriptor.
                #expect(openDescriptorTargets().filter { $0 == path }.count == 1)

                // An atomic deploy: same size, new inode. The old inode's descriptor must go.
                let changed = "X" + content.dropFirst()
                let staged = root.appendingPathComponent(".big.txt.tmp")
                try Data(changed.utf8).write(to: staged)
                #expect(rename(staged.path, root.appendingPathComponent("big.txt").path) == 0)
                for _ in 0..<2 {
                    let response = get(connection, "/big.txt")
                    #expect(response.status == 200)
                    #expect(response.body == changed)
                }
                #expect(openDescriptorTargets().filter { $0.hasPrefix(path) && $0 != path }.isEmpty, "a descriptor of the replaced file stayed open")
                #expect(openDescriptorTargets().filter { $0 == path }.count == 1)

                try FileManager.default.removeItem(atPath: root.appendingPathComponent("big.txt").path)
                #expect(get(connection, "/big.txt").status == 404)
                #expect(openDescriptorTargets().filter { $0.hasPrefix(path) }.isEmpty, "a descriptor of the deleted file stayed open")
            }
        }
    }

    @Test("a repeated 304 carries the Date of the second it is sent, not of the first one")
    func dateStaysCurrent() async throws {
        try await withTemporarySite(["a.css": "a{}"]) { root in
            try await FixtureServer.withFixtureServer(root: root) { base in
                let connection = try RawConnection(port: base.port!)
                let etag = try #require(get(connection, "/a.css").headers["etag"])
                let first = try #require(get(connection, "/a.css", "If-None-Match: \(etag)\r\n").headers["date"])
                // Wait for the next second (bounded).
                let start = time(nil)
                for _ in 0..<30 where time(nil) == start { try await Task.sleep(for: .milliseconds(50)) }
                let second = get(connection, "/a.css", "If-None-Match: \(etag)\r\n")
                #expect(second.status == 304)
                let date = try #require(second.headers["date"].flatMap(HTTPDate.parse))
                #expect(second.headers["date"] != first)
                #expect(abs(date - time(nil)) <= 1)
            }
        }
    }

    @Test("a cached representation still answers HTTP/1.0 (closing, or kept alive when asked) and Connection: close with the right head")
    func cachedHeadVariants() async throws {
        try await withTemporarySite(["a.css": "a{}"]) { root in
            try await FixtureServer.withFixtureServer(root: root) { base in
                let connection = try RawConnection(port: base.port!)
                #expect(get(connection, "/a.css").status == 200)
                let closing = try RawConnection(port: base.port!)
                closing.send("GET /a.css HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
                let text = closing.readAll()
                #expect(text.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
                #expect(text.text.contains("\r\nConnection: close\r\n"))
                #expect(text.text.hasSuffix("\r\n\r\na{}"))
                #expect(text.closed)
                let old = try RawConnection(port: base.port!)
                old.send("GET /a.css HTTP/1.0\r\n\r\n")
                let reply = old.readAll()
                #expect(reply.text.hasPrefix("HTTP/1.0 200 OK\r\n"))
                #expect(reply.text.contains("\r\nConnection: close\r\n"))
                #expect(reply.closed)
                // An HTTP/1.0 client that asks to keep the connection is told it is kept.
                let kept = try RawConnection(port: base.port!)
                for _ in 0..<2 {
                    kept.send("GET /a.css HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                    let r = kept.readResponse()
                    #expect(r.status == 200)
                    #expect(r.headers["connection"] == "keep-alive")
                    #expect(r.body == "a{}")
                }
            }
        }
    }

    @Test("shutting the server down closes the inotify descriptors of its event loops")
    func shutdownClosesWatches() async throws {
        try await withTemporarySite(["a.css": "a{}"]) { root in
            let server = try await FixtureServer.start(FixtureServer.Configuration(root: root))
            // Connections are spread over the event loops: several reach each of them.
            for _ in 0..<4 {
                #expect(try await request(.GET, server.baseURL.appendingPathComponent("a.css")).status == 200)
            }
            let caches = server.context.fileStateCacheList
            #expect(!caches.isEmpty)
            func watching() async throws -> [Bool] {
                var result: [Bool] = []
                for cache in caches { result.append(try await cache.eventLoop.submit { cache.value.isWatching }.get()) }
                return result
            }
            #expect(try await watching().allSatisfy { $0 })
            try await server.shutdown()
            #expect(try await watching().allSatisfy { !$0 })
            #expect(server.context.fileStateCacheList.isEmpty)
        }
    }
}
