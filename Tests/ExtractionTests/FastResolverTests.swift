import CrawlModel
@testable import Extraction
import Foundation
import Testing

/// The fast path must give exactly what `WebURL.resolve` gives, or decline.
@Suite("Fast resolution agrees with WebURL")
struct FastResolverTests {
    static let bases = ["http://h.test/dir/page.html", "https://h.test:8443/a/b/", "http://h.test/", "http://127.0.0.1:8080/x"]
        .map { URL(string: $0)! }

    /// Values of every shape: absolute paths, relative paths, queries, fragments, odd characters.
    static let values: [String] = {
        var values = ["a.png", "/a.png", "img/a.png", "/img/a b.png", "a.png?v=1", "a.png?v=1#x", "a.png#frag", "a/", "/", "x?",
                      "./a.png", "../a.png", "a/./b", "a/../b", "/..", ".", "..", "...", "a..b/c", ".hidden", "a/.b",
                      "//cdn.test/x", "?q=1", "#top", "a:b", "a;b", "a%20b", "a\\b", " a.png ", "\ta.png\n", "a\tb",
                      "é.png", "a@b", "a'b(c)!*$&+,=", "~user/", "a//b", "a.png??x", "a?b/../c", "a?b#c?d",
                      "http://other.test/x", "HTTP://H.TEST/x", "javascript:x", "data:x", "", "  ", "a|b", "a{b}", "a^b",
                      "a\"b", "a<b>", "a`b"]
        let alphabet = Array("ab./?#-_~!$&'()*+,=@%:;")
        var seed: UInt64 = 7
        for _ in 0..<3000 {
            var s = ""
            for _ in 0..<(1 + Int(seed % 9)) {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                s.append(alphabet[Int((seed >> 33) % UInt64(alphabet.count))])
            }
            values.append(s)
            values.append("/" + s)
        }
        return values
    }()

    @Test("every value, against every base")
    func agreement() {
        var taken = 0
        for base in Self.bases {
            let fast = FastResolver(base: base)
            for value in Self.values {
                guard let quick = fast.resolve(value) else { continue }
                taken += 1
                let slow: String?
                if case .url(let url) = WebURL.resolve(value, against: base) { slow = url.absoluteString } else { slow = nil }
                #expect(quick == slow, "\(value) against \(base)")
            }
        }
        #expect(taken > 2000)
    }

    @Test("a base that is not plain disables the fast path")
    func plainBase() {
        #expect(FastResolver(base: URL(string: "http://h.test/a/./b")!).resolve("x") == nil)
        #expect(FastResolver(base: URL(string: "http://H.test/a")!).resolve("x") == nil)
        #expect(FastResolver(base: URL(string: "http://h.test/a?q")!).resolve("x") == nil)
        #expect(FastResolver(base: URL(string: "http://h.test/%7Ea/")!).resolve("x") == nil)
        #expect(FastResolver(base: URL(string: "http://h.test/a/")!).resolve("x") == "http://h.test/a/x")
    }
}
