import CrawlModel
import Extraction
import Foundation
import Testing

/// Pages in legacy encodings whose URLs hold non-ASCII characters: the resolved URL must be
/// the UTF-8 percent-encoding a browser produces for the path, whatever the page's encoding.
@Suite("Encodings: Content-Type charset, BOM, <meta charset>, http-equiv")
struct EncodingTests {
    let url = URL(string: "http://h.test/")!

    /// ASCII markup around raw bytes.
    func page(_ head: String, _ src: [UInt8], _ tail: String = "\"></body></html>") -> [UInt8] {
        Array(head.utf8) + src + Array(tail.utf8)
    }

    func requisites(_ bytes: [UInt8], contentType: String? = "text/html") -> [String] {
        Extractor.references(in: bytes, contentType: contentType, url: url).filter(\.isFetchableRequisite).compactMap(\.url)
    }

    /// `café€.png` in windows-1252: é is 0xE9, € is 0x80.
    let cafeEuro1252: [UInt8] = Array("caf".utf8) + [0xE9, 0x80] + Array(".png".utf8)
    let cafeEuroURL = "http://h.test/caf%C3%A9%E2%82%AC.png"

    @Test("windows-1252 named by <meta charset>")
    func windows1252Meta() {
        let bytes = page(#"<html><head><meta charset="windows-1252"></head><body><img src=""#, cafeEuro1252)
        #expect(requisites(bytes) == [cafeEuroURL])
    }

    @Test("Extractor.document: the type and charset from one reading of the Content-Type, the URL's extension when it is generic")
    func documentTypes() {
        let html = Extractor.document(in: page(#"<html><body><img src=""#, cafeEuro1252), contentType: "Text/HTML; charset=ISO-8859-1", url: url)
        #expect(html.type == .html)
        #expect(html.outline != nil)
        #expect(html.references.filter(\.isFetchableRequisite).compactMap(\.url) == [cafeEuroURL])
        let css = Extractor.document(in: Array("a { background: url(b.png) }".utf8), contentType: "text/css", url: url)
        #expect(css.type == .css)
        #expect(css.references.compactMap(\.url) == ["http://h.test/b.png"])
        let manifest = Extractor.document(in: Array(#"{"icons": [{"src": "i.png"}]}"#.utf8), contentType: "application/octet-stream",
                                          url: URL(string: "http://h.test/site.webmanifest")!)
        #expect(manifest.type == .manifest)
        #expect(manifest.references.compactMap(\.url) == ["http://h.test/i.png"])
        let image = Extractor.document(in: [0x89, 0x50], contentType: "image/png", url: url)
        #expect(image.type == .other)
        #expect(image.references.isEmpty)
        #expect(Extractor.documentType(contentType: "text/html; charset=utf-8", url: url) == .html)
    }

    @Test("iso-8859-1 is read as windows-1252, from the Content-Type and from <meta> (0x80 is €)")
    func latin1() {
        let plain = page(#"<html><body><img src=""#, cafeEuro1252)
        #expect(requisites(plain, contentType: "text/html; charset=ISO-8859-1") == [cafeEuroURL])
        let meta = page(#"<html><head><meta charset="iso-8859-1"></head><body><img src=""#, cafeEuro1252)
        #expect(requisites(meta) == [cafeEuroURL])
        let equiv = page(#"<html><head><meta http-equiv="Content-Type" content="text/html; charset=latin1"></head><body><img src=""#,
                         cafeEuro1252)
        #expect(requisites(equiv) == [cafeEuroURL])
    }

    /// `/~u/a\b日本.png` in Shift_JIS: 日 is 93 FA, 本 is 96 7B; `~` and `\` must stay ASCII.
    let shiftJISPath: [UInt8] = Array("/~u/a\\b".utf8) + [0x93, 0xFA, 0x96, 0x7B] + Array(".png".utf8)
    let shiftJISURL = "http://h.test/~u/a/b%E6%97%A5%E6%9C%AC.png"

    @Test("shift_jis from http-equiv: ~ and \\ stay ASCII (CP932, not glibc's SHIFT_JIS)")
    func shiftJIS() {
        let equiv = page(#"<html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"></head><body><img src=""#,
                         shiftJISPath)
        #expect(requisites(equiv) == [shiftJISURL])
        let header = page(#"<html><body><img src=""#, shiftJISPath)
        #expect(requisites(header, contentType: "text/html;charset=\"shift_jis\"") == [shiftJISURL])
    }

    func utf16(_ s: String, bigEndian: Bool, bom: Bool) -> [UInt8] {
        var bytes: [UInt8] = []
        for unit in Array((bom ? "\u{FEFF}" : "").utf16) + Array(s.utf16) {
            let hi = UInt8(unit >> 8), lo = UInt8(unit & 0xFF)
            bytes += bigEndian ? [hi, lo] : [lo, hi]
        }
        return bytes
    }

    let utf16Page = #"<html><body><img src="/straße/日本.png"><a href="über.html">ü</a></body></html>"#
    let utf16URL = "http://h.test/stra%C3%9Fe/%E6%97%A5%E6%9C%AC.png"

    @Test("UTF-16 with a BOM, little and big endian, even when the Content-Type says otherwise")
    func utf16BOM() {
        #expect(requisites(utf16(utf16Page, bigEndian: false, bom: true)) == [utf16URL])
        #expect(requisites(utf16(utf16Page, bigEndian: true, bom: true)) == [utf16URL])
        #expect(requisites(utf16(utf16Page, bigEndian: false, bom: true), contentType: "text/html; charset=iso-8859-1") == [utf16URL])
        let refs = Extractor.references(in: utf16(utf16Page, bigEndian: true, bom: true), contentType: "text/html", url: url)
        #expect(refs.last?.url == "http://h.test/%C3%BCber.html")
        #expect(refs.last?.raw == "über.html")
    }

    @Test("UTF-16 without a BOM, named by the Content-Type")
    func utf16Header() {
        #expect(requisites(utf16(utf16Page, bigEndian: false, bom: false), contentType: "text/html; charset=utf-16le") == [utf16URL])
        #expect(requisites(utf16(utf16Page, bigEndian: true, bom: false), contentType: "text/html; charset=UTF-16BE") == [utf16URL])
    }

    @Test("<meta charset=utf-16> in an ASCII-compatible page means UTF-8")
    func metaUTF16() {
        let bytes = Array(#"<html><head><meta charset="utf-16"></head><body><img src="é.png"></body></html>"#.utf8)
        #expect(requisites(bytes) == ["http://h.test/%C3%A9.png"])
    }

    @Test("a UTF-8 BOM beats the Content-Type; an unknown charset label falls back to sniffing")
    func bomAndUnknownLabel() {
        let bytes = [0xEF, 0xBB, 0xBF] + Array(#"<img src="é.png">"#.utf8)
        #expect(requisites(bytes, contentType: "text/html; charset=windows-1252") == ["http://h.test/%C3%A9.png"])
        let meta = page(#"<meta charset="windows-1252"><img src=""#, cafeEuro1252)
        #expect(requisites(meta, contentType: "text/html; charset=x-no-such-charset") == [cafeEuroURL])
    }

    @Test("stylesheets: BOM, Content-Type charset, @charset, else UTF-8")
    func css() {
        let css1252 = Array("@charset \"windows-1252\";\na { background: url(".utf8) + cafeEuro1252 + Array(") }".utf8)
        #expect(requisites(css1252, contentType: "text/css") == [cafeEuroURL])
        let noDecl = Array("a { background: url(".utf8) + cafeEuro1252 + Array(") }".utf8)
        #expect(requisites(noDecl, contentType: "text/css; charset=iso-8859-1") == [cafeEuroURL])
        // (In CSS a backslash is an escape, so this path has none.)
        let sjis = Array("b { background: url(/~u/".utf8) + [0x93, 0xFA, 0x96, 0x7B] + Array(".png) }".utf8)
        #expect(requisites(sjis, contentType: "text/css; charset=shift_jis") == ["http://h.test/~u/%E6%97%A5%E6%9C%AC.png"])
        let u16 = utf16("c { background: url('/straße/日本.png') }", bigEndian: false, bom: true)
        #expect(requisites(u16, contentType: "text/css") == [utf16URL])
        // Undecodable bytes under UTF-8 become U+FFFD, the stylesheet is not dropped.
        let broken = Array("d { background: url(".utf8) + [0xFF] + Array("x.png) } e { background: url(ok.png) }".utf8)
        #expect(requisites(broken, contentType: "text/css") == ["http://h.test/%EF%BF%BDx.png", "http://h.test/ok.png"])
    }
}

@Suite("Queries of URLs in legacy-encoded pages")
struct QueryEncodingTests {
    let url = URL(string: "http://h.test/")!

    func hrefs(_ bytes: [UInt8], contentType: String = "text/html") -> [String?] {
        Extractor.references(in: bytes, contentType: contentType, url: url).map(\.url)
    }

    @Test("windows-1252: the query in windows-1252, the path in UTF-8; unmappable characters as &#NNNN;")
    func windows1252() {
        // /café?q=café€ in windows-1252, then ?q=日 written as a character reference.
        let bytes = Array(#"<meta charset="windows-1252"><a href="/caf"#.utf8) + [0xE9] + Array("?q=caf".utf8) + [0xE9, 0x80]
            + Array(#"#x">a</a><a href="/s?q=&#26085;">b</a>"#.utf8)
        #expect(hrefs(bytes) == ["http://h.test/caf%C3%A9?q=caf%E9%80", "http://h.test/s?q=%26%2326085%3B"])
    }

    @Test("shift_jis: the query in Shift_JIS; UTF-8 and UTF-16 pages: UTF-8")
    func shiftJISAndUnicode() {
        let sjis = Array(#"<meta charset="shift_jis"><a href="/s?q="#.utf8) + [0x93, 0xFA, 0x96, 0x7B] + Array(#"">x</a>"#.utf8)
        #expect(hrefs(sjis) == ["http://h.test/s?q=%93%FA%96%7B"])
        let utf8 = Array(#"<meta charset="utf-8"><a href="/s?q=日本">x</a>"#.utf8)
        #expect(hrefs(utf8) == ["http://h.test/s?q=%E6%97%A5%E6%9C%AC"])
    }
}
