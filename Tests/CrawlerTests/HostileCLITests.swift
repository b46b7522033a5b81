import Foundation
import Testing
import TestSupport

/// Issue #15 through the `assetcrawl` binary: bad numbers and ports (rows 5–8), secrets in
/// every file it writes (row 12), output paths checked before the crawl (row 15).
@Suite("Hostile command lines", .serialized)
struct HostileCLITests {
    static func run(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await runProcess(RepoPaths.binary, arguments)
    }

    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("assetcrawl-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test("rows 5–8: numbers that trapped exit 2 with the range, never 132", arguments: [
        ["--timeout", "inf"], ["--timeout", "nan"], ["--timeout", "1e300"], ["--body-timeout", "inf"], ["--connect-timeout", "nan"],
        ["--delay", "-1"], ["--max-time", "1e300"], ["--max-retry-wait", "inf"], ["--max-body", "9999999999G"],
        ["--max-body", "8796093022208M"], ["--max-body", "9223372036854775807"], ["--max-body", "-5"], ["--timeout", "-1"],
    ])
    func numbers(arguments: [String]) async throws {
        let out = try await Self.run(["crawl", "http://127.0.0.1:1/"] + arguments)
        #expect(out.status == 2, "\(arguments): \(out.stderr)")
        #expect(out.stderr.contains(arguments[0]) && out.stderr.contains(" from "), "\(out.stderr)")
        #expect(!out.stderr.contains("Missing value"))
    }

    @Test("row 8: --max-body 1.5M is accepted")
    func fractionalSize() async throws {
        try await HostileServer.with({ _ in [.send(HostileServer.response(200, ["Content-Type": "text/html"], body: "<p>hi</p>"))] }) { server in
            let out = try await Self.run(["crawl", server.base + "/", "--max-body", "1.5M", "--ignore-robots", "--quiet"])
            #expect(out.status == 0, "\(out.stderr)")
        }
    }

    @Test("row 7: a start URL with port 65536 or 99999 is refused when parsed", arguments: ["65536", "99999", "0"])
    func ports(port: String) async throws {
        let out = try await Self.run(["crawl", "http://127.0.0.1:\(port)/"])
        #expect(out.status == 2)
        #expect(out.stderr.contains("a port is a number from 1 to 65535"), "\(out.stderr)")
    }

    @Test("row 15: an output path that cannot be written fails before the crawl, saying which")
    func outputPaths() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let notAFolder = folder.appendingPathComponent("file")
        try Data("x".utf8).write(to: notAFolder)
        try await HostileServer.with({ _ in [.send(HostileServer.response(200, ["Content-Type": "text/html"], body: "<p>hi</p>"))] }) { server in
            let cases: [(arguments: [String], says: String)] = [
                (["--json", "/nonexistent-\(UUID().uuidString)/r.json"], "does not exist"),
                (["--har", notAFolder.path + "/h.har"], "is not a folder"),
                (["--html", folder.path], "is a folder"),
                (["--junit", "/nonexistent-\(UUID().uuidString)/j.xml"], "does not exist"),
                (["--dot", "/nonexistent-\(UUID().uuidString)/g.dot"], "does not exist"),
                (["--store", "/nonexistent-\(UUID().uuidString)/s.db"], "does not exist"),
            ]
            for (arguments, says) in cases {
                let out = try await Self.run(["crawl", server.base + "/", "--ignore-robots"] + arguments)
                #expect(out.status == 2, "\(arguments)")
                #expect(out.stderr.contains("\(arguments[0]) \(arguments[1]): ") && out.stderr.contains(says), "\(out.stderr)")
            }
            // A read-only folder (root may write anywhere, so only as another user).
            if getuid() != 0 {
                let readOnly = folder.appendingPathComponent("ro")
                try FileManager.default.createDirectory(at: readOnly, withIntermediateDirectories: true)
                try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: readOnly.path)
                let out = try await Self.run(["crawl", server.base + "/", "--json", readOnly.path + "/r.json"])
                #expect(out.status == 2 && out.stderr.contains("is not writable"), "\(out.stderr)")
            }
            #expect(server.connections == 0, "the crawl started before the paths were checked")
        }
    }

    @Test("row 12: credentials, cookies and --header values are in no file, log or store the crawl writes")
    func secrets() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let secrets = ["s3cret", Data("alice:s3cret".utf8).base64EncodedString(), "tok123", "sessionid=abc987"]
        try await HostileServer.with({ request in
            let headers = ["Content-Type": request.path == "/a.css" ? "text/css" : "text/html", "Set-Cookie": "sessionid=abc987; Path=/",
                           "ETag": "\"e1\""]
            if request.path == "/robots.txt" { return [.send(HostileServer.response(404, [:]))] }
            if request.header("If-None-Match") != nil { return [.send(HostileServer.response(304, [("ETag", Array("\"e1\"".utf8))], contentLength: false))] }
            return [.send(HostileServer.response(200, headers, body: request.path == "/a.css" ? "a{}" : "<link rel=stylesheet href=/a.css><a href=/b.html>b</a>"))]
        }) { server in
            let files = ["r.json", "h.har", "r.html", "j.xml", "g.dot", "s.db"].map { folder.appendingPathComponent($0).path }
            let out = try await Self.run(["crawl", server.base + "/", "--user", "alice:s3cret", "--header", "X-Secret: tok123",
                                    "--header", "Cookie: sessionid=abc987", "--json", files[0], "--har", files[1], "--html", files[2],
                                    "--junit", files[3], "--dot", files[4], "--store", files[5], "--log-level", "trace", "--verbose"])
            #expect(out.status == 0, "\(out.stderr)")
            // They were sent: redaction is of what is written, not of what is sent.
            #expect(server.requests.contains { $0.header("X-Secret") == Array("tok123".utf8) })
            for file in files {
                let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
                for secret in secrets {
                    #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(file) holds \(secret)")
                }
            }
            for secret in secrets {
                #expect(!out.stdout.contains(secret) && !out.stderr.contains(secret), "the output holds \(secret)")
            }
            let har = try String(contentsOfFile: files[1], encoding: .utf8)
            #expect(har.contains("[redacted]"))

            // --resume asks for the secrets again instead of reading them from the store.
            let resume = try await Self.run(["crawl", "--resume", files[5]])
            #expect(resume.status == 2 && resume.stderr.contains("does not keep secrets") && resume.stderr.contains("--user"), "\(resume.stderr)")
            let again = try await Self.run(["crawl", "--resume", files[5], "--user", "alice:s3cret", "--header", "X-Secret: tok123",
                                      "--header", "Cookie: sessionid=abc987", "--quiet"])
            #expect(again.status == 0, "\(again.stderr)")
            // A header that is no secret the store left out would be dropped: refused, saying so.
            let extra = try await Self.run(["crawl", "--resume", files[5], "--user", "alice:s3cret", "--header", "X-Secret: tok123",
                                      "--header", "Cookie: sessionid=abc987", "--header", "X-Extra: 1", "--quiet"])
            #expect(extra.status == 2 && extra.stderr.contains("--header 'X-Extra: …' would be ignored")
                    && extra.stderr.contains("the secrets it left out are"), "\(extra.stderr)")
        }
    }
}
