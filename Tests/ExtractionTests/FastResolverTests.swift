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
        var seed: UInt64 = 7
        var values = ["a.png", "/a.png", "img/a.png", "/img/a b.png", "a.png?v=1", "a.png?v=1#x", "a.png#frag", "a/", "/", "x?",
                      "./a.png", "../a.png", "a/./b", "a/../b", "/..", ".", "..", "...", "a..b/c", ".hidden", "a/.b",
                      "//cdn.test/x", "?q=1", "#top", "a:b", "a;b", "a%20b", "a\\b", " a.png ", "\ta.png\n", "a\tb",
                      "é.png", "a@b", "a'b(c)!*$&+,=", "~user/", "a//b", "a.png??x", "a?b/../c", "a?b#c?d",
                      "http://other.test/x", "HTTP://H.TEST/x", "javascript:x", "data:x", "", "  ", "a|b", "a{b}", "a^b",
                      "a\"b", "a<b>", "a`b"]
        values += ["https://github.com/rust-lang/rust/issues/136909", "http://h.test", "http://h.test?q", "http://h.test#f",
                   "https://a.b:8443/x/../y?z#w", "http://a.b:80/x", "https://a.b:443/", "http://a.b:080/", "http://a.b:/",
                   "http://a.b:99999/", "http://A.b/", "http://a..b/", "http://.a/", "http://a./", "http://a.b:1/./",
                   "http://a-b.c/d//./e", "https://x.test/a b", "http://x.test:8080", "http://x.test/?", "http://x.test/#",
                   "http://h.test/dir/../a", "https://h.test:8443/a/b/c", "http://xn--bcher-kva.test/", "http://1.2.3.4/",
                   "http://0.1/", "http://1.2.3.4:5/a", "httpx://a/", "http:/a", "http:a", "https:a/b",
                   "a?q=%41%7e%2F%zz", "a?%", "a?%4", "a?x=é&y=|^`{}<>\\", "/p?a:b;c", "?a%20b", "a?b c",
                   "https://play.test/?code=%23!%5Ballow(unused)%5D%0Afn+main()+%7B&edition=2024", "a?%25%2e%2E",
                   "../../std/index.html", "../a/./b/../c.html?x=../y", "./", "../", "a/b/..", "a/b/.", "/a/b/../../../c",
                   ".././a", "a/.../b", "a/..b/c", "./a?b#c", "../..", "/./", "//./"]
        let alphabet = Array("ab./?#-_~!$&'()*+,=@%:;....////")
        let queryAlphabet = Array("ab%2eF7:;|é^?/#&=+ .")
        for prefix in ["a?", "/b?", "../c?d", "http://q.test/?"] {
            for _ in 0..<800 {
                var s = prefix
                for _ in 0..<(1 + Int(seed % 8)) {
                    seed = seed &* 6364136223846793005 &+ 1442695040888963407
                    s.append(queryAlphabet[Int((seed >> 33) % UInt64(queryAlphabet.count))])
                }
                values.append(s)
            }
        }
        for prefix in ["http://a.test", "https://b.test:8443", "http://c.test:80", "http://"] {
            for _ in 0..<500 {
                var s = prefix
                for _ in 0..<(Int(seed % 7)) {
                    seed = seed &* 6364136223846793005 &+ 1442695040888963407
                    s.append(alphabet[Int((seed >> 33) % UInt64(alphabet.count))])
                }
                values.append(s)
            }
        }
        for _ in 0..<6000 {
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

    @Test("fragment-only values are recognised without parsing")
    func fragments() {
        #expect(FastResolver.isFragmentOnly("#top") && FastResolver.isFragmentOnly(" \t#x") && !FastResolver.isFragmentOnly("a#b"))
        #expect(!FastResolver.isFragmentOnly("") && !FastResolver.isFragmentOnly("   "))
    }

    @Test("a base that is not plain disables the fast path")
    func plainBase() {
        #expect(FastResolver(base: URL(string: "http://h.test/a/./b")!).resolve("x") == nil)
        #expect(FastResolver(base: URL(string: "http://H.test/a")!).resolve("x") == nil)
        #expect(FastResolver(base: URL(string: "http://h.test/a?q")!).resolve("x") == nil)
        #expect(FastResolver(base: URL(string: "http://h.test/%7Ea/")!).resolve("x") == nil)
        let plain = FastResolver(base: URL(string: "http://h.test/a/")!)
        #expect(plain.resolve("x") == "http://h.test/a/x")
        #expect(plain.resolve("../../y/./z?q=1#f") == "http://h.test/y/z?q=1")
        #expect(plain.resolve("https://github.com/o/r?x#y") == "https://github.com/o/r?x")
        #expect(plain.resolve("http://h.test:8080") == "http://h.test:8080/")
        #expect(plain.resolve("q?x=%7e%2f|é") == "http://h.test/a/q?x=~%2F%7C%C3%A9")
    }
}
