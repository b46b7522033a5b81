@testable import Audit
import Foundation
import Testing

/// Cache-Control parsing trims as Foundation's `.whitespaces` does (tab and every Unicode space
/// separator, nothing else), without Foundation.
@Suite struct CacheControlTests {
    @Test func trimsAsFoundationDoes() {
        let samples = ["", " ", "\t", "max-age=60", "  max-age = 60 ", "\tno-cache\t", "\u{00A0}public\u{00A0}", "\u{2003}x\u{3000}",
                       "\n private \n", "\u{200B}zero-width\u{200B}", "é ", " \u{301}a", "日本 語", "😀 ", "a\r", "\u{0085}b\u{2028}", "\u{1680}\u{180E}c\u{202F}\u{205F}", "\u{2009}\u{200A}d\u{200C}"]
        for sample in samples {
            #expect(CacheControl.trimmingWhitespace(sample[...]) == sample.trimmingCharacters(in: .whitespaces), "\(sample.debugDescription)")
        }
    }

    @Test func parsesDirectives() {
        let c = CacheControl(["Max-Age = \"60\" , no-cache", "\u{00A0}public, max-age=5", " , "])
        #expect(c.value("max-age") == "60")
        #expect(c.has("no-cache"))
        #expect(c.has("public"))
        #expect(c.directives.count == 3)
    }
}
