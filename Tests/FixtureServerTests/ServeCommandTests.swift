import FixtureServer
import Foundation
import Testing
import TestSupport

/// Runs `assetcrawl serve` as a child process: reads the URL it prints, then stops it with a signal.
final class ServeProcess {
    let process = Process()
    let out = Pipe(), err = Pipe()


    init(_ arguments: [String]) throws {
        process.executableURL = RepoPaths.binary
        process.arguments = ["serve"] + arguments
        process.standardOutput = out
        process.standardError = err
        try process.run()
    }

    /// The first line on stdout (the server prints `serving DIR at URL`); empty if it exited first.
    func firstLine() -> String {
        var bytes: [UInt8] = []
        while !bytes.contains(10) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            bytes += chunk
        }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
    }

    /// Sends `signal`, waits for the exit (killing it after 10 s), returns the status and stderr.
    func stop(_ signal: Int32) -> (status: Int32, stderr: String) {
        kill(process.processIdentifier, signal)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationStatus, stderr)
    }
}

@Suite("assetcrawl serve: prints its URL, logs requests, stops cleanly on SIGINT/SIGTERM")
struct ServeCommandTests {
    @Test("serve prints its URL, logs a line per request at info, and exits 0", arguments: [SIGTERM, SIGINT])
    func serveAndStop(signal: Int32) async throws {
        try await withTemporarySite(["index.html": "<h1>served</h1>"]) { root in
            let server = try ServeProcess([root.path, "--port", "0", "--log-level", "info"])
            let line = server.firstLine()
            let url = try #require(line.split(separator: " ").last.flatMap { URL(string: String($0)) }, "stdout: \(line)")
            #expect(line.hasPrefix("serving "))
            #expect(url.absoluteString.hasPrefix("http://127.0.0.1:"))
            let r = try await request(.GET, url.appendingPathComponent("index.html"))
            #expect(r.body == "<h1>served</h1>")
            let (status, stderr) = server.stop(signal)
            #expect(status == 0)
            #expect(stderr.contains("GET /index.html 200"))
        }
    }

    @Test("serve --tls-cert/--tls-key serves https, and a lone --tls-cert is a usage error (exit 2)")
    func serveTLS() async throws {
        let cert = try TestCertificate.make()
        defer { cert.remove() }
        try await withTemporarySite(["index.html": "<h1>served</h1>"]) { root in
            let server = try ServeProcess([root.path, "--port", "0", "--tls-cert", cert.certificate.path, "--tls-key", cert.key.path])
            let line = server.firstLine()
            #expect(line.contains("https://127.0.0.1:"), "stdout: \(line)")
            #expect(server.stop(SIGTERM).status == 0)
            let lone = try ServeProcess([root.path, "--port", "0", "--tls-cert", cert.certificate.path])
            lone.process.waitUntilExit()
            #expect(lone.process.terminationStatus == 2)
        }
    }

    @Test("a policy file adds to the built-in policy (its rule wins on its path), or stands alone with \"inherit\": false; serve says which")
    func policyFileMerges() async throws {
        let added = #"{"rules": [{"match": "flaky.txt", "fault": {"status": 503, "retryAfter": 1}}, {"match": "**.css", "headers": {"Cache-Control": "max-age=60"}}]}"#
        let alone = #"{"inherit": false, "rules": [{"match": "**.css", "headers": {"Cache-Control": "max-age=60"}}]}"#
        for (policy, inherits) in [(added, true), (alone, false)] {
            try await withTemporarySite(["index.html": "<h1>p</h1>", "a.css": "a{}", "flaky.txt": "x", ".assetcrawl-policy.json": policy]) { root in
                let server = try ServeProcess([root.path, "--port", "0"])
                let line = server.firstLine()
                let url = try #require(line.split(separator: " ").last.flatMap { URL(string: String($0)) }, "stdout: \(line)")
                let css = try await request(.GET, url.appendingPathComponent("a.css"))
                let html = try await request(.GET, url.appendingPathComponent("index.html"))
                #expect(css.headers.first(name: "Cache-Control") == "max-age=60", "the file's rule wins on its path")
                if inherits {
                    #expect(html.headers.first(name: "Cache-Control") == "no-cache", "built-in rule kept")
                    #expect(css.headers.first(name: "X-Content-Type-Options") == "nosniff", "built-in security headers kept")
                    #expect(html.headers.first(name: "Content-Security-Policy") == "frame-ancestors 'self'")
                    #expect(try await request(.GET, url.appendingPathComponent("flaky.txt")).status == 503)
                } else {
                    #expect(html.headers.first(name: "Cache-Control") == nil)
                    #expect(css.headers.first(name: "X-Content-Type-Options") == nil)
                }
                let (status, stderr) = server.stop(SIGTERM)
                #expect(status == 0)
                let expected = inherits ? "/.assetcrawl-policy.json added to the built-in one" : "/.assetcrawl-policy.json alone (\"inherit\": false"
                #expect(stderr.contains("policy: ") && stderr.contains(expected), "\(stderr)")
            }
        }
    }
}
