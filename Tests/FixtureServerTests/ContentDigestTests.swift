@testable import FixtureServer
import Testing

/// The hash behind content ETags: the same for the same bytes however they are read (the
/// server reads large files in chunks, small ones whole), different when they differ, and
/// pinned, so an ETag does not change between builds or machines unnoticed.
@Suite("ContentDigest: the 64-bit hash of served bytes")
struct ContentDigestTests {
    func digest(_ pieces: [[UInt8]]) -> UInt64 {
        var d = ContentDigest()
        for piece in pieces { piece.withUnsafeBytes { d.update($0) } }
        return d.finish()
    }

    @Test("bytes fed in any split give the digest of the whole")
    func splits() {
        let bytes = (0..<100).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let whole = digest([bytes])
        for cut in 0...bytes.count {
            #expect(digest([Array(bytes[..<cut]), Array(bytes[cut...])]) == whole, "cut at \(cut)")
        }
        #expect(digest(bytes.map { [$0] }) == whole)
    }

    @Test("different bytes, lengths and trailing zeros give different digests")
    func differs() {
        var seen: Set<UInt64> = []
        for n in 0..<64 { #expect(seen.insert(digest([[UInt8](repeating: 0, count: n)])).inserted, "\(n) zeros") }
        let base = [UInt8]("0123456789abcdef0123".utf8)
        for i in base.indices {
            var flipped = base
            flipped[i] ^= 1
            #expect(seen.insert(digest([flipped])).inserted, "bit flipped at \(i)")
        }
    }

    @Test("pinned values: an ETag changes only when the content does")
    func pinned() {
        #expect(String(digest([]), radix: 16).leftPadded(to: 16) == "ef46db3751d8e999")
        #expect(String(digest([Array("body{}".utf8)]), radix: 16).leftPadded(to: 16) == "8b79f70be65186b9")
    }
}
