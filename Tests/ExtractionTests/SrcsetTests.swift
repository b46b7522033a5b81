import Extraction
import Testing

@Suite("srcset parsing (HTML standard)")
struct SrcsetTests {
    func parse(_ s: String) -> [String] {
        Srcset.parse(s).map { $0.url + ($0.descriptor.map { " " + $0 } ?? "") }
    }

    @Test func simple() {
        #expect(parse("a.png 1x, b.png 2x") == ["a.png 1x", "b.png 2x"])
        #expect(parse("a.png 480w,b.png 960w") == ["a.png 480w", "b.png 960w"])
    }

    @Test("commas inside URLs stay in the URL")
    func commasInURL() {
        #expect(parse("img,1.png 1x, img,2.png 2x") == ["img,1.png 1x", "img,2.png 2x"])
        #expect(parse("data:image/png;base64,AAA= 1x") == ["data:image/png;base64,AAA= 1x"])
    }

    @Test("a URL ending in commas ends its candidate")
    func trailingCommas() {
        #expect(parse("a.png,, b.png 2x") == ["a.png", "b.png 2x"])
    }

    @Test("odd whitespace and no descriptor")
    func whitespace() {
        #expect(parse("\n  a.png\t,\n b.png   2x  ") == ["a.png", "b.png 2x"])
        #expect(parse("") == [])
        #expect(parse(" , , ") == [])
    }

    @Test("parentheses in descriptors do not split")
    func parens() {
        #expect(parse("a.png (x, y) 1x, b.png") == ["a.png (x, y) 1x", "b.png"])
    }
}
