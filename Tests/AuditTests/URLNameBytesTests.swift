@testable import Audit
import Testing

/// The byte rules for fingerprinted and versioned names must give what the character rules give.
@Suite("URLNameBytes: the character rules on ASCII bytes")
struct URLNameBytesTests {
    @Test("random paths: the byte rules equal the character rules, and leave non-ASCII paths to them")
    func randomPaths() {
        var g = SystemRandomNumberGenerator()
        let pieces = ["/", "/", "?", ".", "-", "_", "~", "@", "v", "V", "1", "22", "3f9a1c2e", "BkAf8s2D", "a", "min", "js", "%20", "é", "\u{301}", "\r\n"]
        var checked = 0
        for _ in 0..<20_000 {
            let path = (0..<Int.random(in: 0...12, using: &g)).map { _ in pieces.randomElement(using: &g)! }.joined()
            let fingerprinted = URLNameBytes.isFingerprinted(path: path)
            let versioned = URLNameBytes.hasVersionSegment(path: path)
            let plain = path.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
            #expect((fingerprinted != nil) == plain && (versioned != nil) == plain, "\(path)")
            if let fingerprinted { #expect(fingerprinted == Budget.isFingerprinted(path: path), "\(path)") }
            if let versioned { #expect(versioned == SharedCacheProblem.hasVersionSegment(path: path), "\(path)") }
            if plain { checked += 1 }
        }
        #expect(checked > 1000)
    }

    @Test("named cases", arguments: [
        ("/app.3f9a1c2e.js", true, false), ("/index-BkAf8s2D.js", true, false), ("/lib/jquery-3.7.1.min.js", false, true),
        ("/v2/app.js", false, true), ("/1.4.0/app.js", false, true), ("/v2.js", false, false), ("/a/v3", false, true), ("/a/V3", false, false),
        ("/12345678.png", false, false), ("/3f9a1c2e", false, false), ("", false, false), ("///", false, false), ("/x?y/app.3f9a1c2e.js", false, false),
    ])
    func named(path: String, fingerprinted: Bool, versioned: Bool) {
        #expect(URLNameBytes.isFingerprinted(path: path) == fingerprinted && Budget.isFingerprinted(path: path) == fingerprinted)
        #expect(URLNameBytes.hasVersionSegment(path: path) == versioned && SharedCacheProblem.hasVersionSegment(path: path) == versioned)
    }
}
