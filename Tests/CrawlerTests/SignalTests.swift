import Foundation
import Testing
import TestSupport

@Suite("The crawl command under SIGINT", .serialized)
struct SignalTests {
    @Test("SIGINT writes the report of what was done, with stopReason, and exits 130")
    func sigint() async throws {
        let files = [
            "index.html": page(images: ["/slow.png", "/fast.png"]), "slow.png": "s", "fast.png": "f",
            ".assetcrawl-policy.json": #"{"rules":[{"match":"slow.png","fault":{"status":404,"delayMs":60000}}]}"#,
        ]
        try await withTemporarySite(files) { root in
            let json = FileManager.default.temporaryDirectory.appendingPathComponent("assetcrawl-sigint-\(UUID().uuidString).json")
            defer { try? FileManager.default.removeItem(at: json) }
            let process = Process()
            process.executableURL = RepoPaths.binary
            process.arguments = ["crawl", "--serve", root.path, "--json", json.path, "--verbose", "--no-revalidate"]
            let err = Pipe(), out = Pipe()
            process.standardError = err
            process.standardOutput = out
            try process.run()
            // Wait (bounded) until the crawler says it fetched fast.png, then interrupt.
            var log = ""
            let handle = err.fileHandleForReading
            func crawled() -> Bool { log.split(separator: "\n").contains { $0.contains("fetched") && $0.contains("fast.png") } }
            for _ in 0..<600 where !crawled() {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                log += String(decoding: chunk, as: UTF8.self)
            }
            #expect(crawled(), "\(log)")
            kill(process.processIdentifier, SIGINT)
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            #expect(process.terminationStatus == 130)
            #expect(String(decoding: stdout, as: UTF8.self).contains("stopped early: interrupted"))
            let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
            #expect((report["stopReason"] as? String)?.hasPrefix("interrupted") == true)
            let resources = try #require(report["resources"] as? [[String: Any]])
            #expect(resources.contains { ($0["url"] as? String)?.hasSuffix("/fast.png") == true })
            #expect(!resources.contains { ($0["url"] as? String)?.hasSuffix("/slow.png") == true })
        }
    }
}
