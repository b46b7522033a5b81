import CrawlModel
@_spi(Fuzzing) import Extraction
import Foundation
import Testing

/// The inputs of an html5lib tree-construction file: what follows each `#data` line, up to `#errors`.
func html5libInputs(_ bytes: [UInt8]) -> [[UInt8]] {
    var inputs: [[UInt8]] = []
    var current: [[UInt8]]? = nil
    for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
        if line.elementsEqual("#data".utf8) {
            current = []
        } else if line.starts(with: "#errors".utf8) {
            if let lines = current { inputs.append(Array(lines.joined(separator: [UInt8(ascii: "\n")]))) }
            current = nil
        } else if current != nil {
            current!.append(Array(line))
        }
    }
    return inputs
}

/// What every reference must satisfy, whatever the input.
func expectInvariants(_ refs: [Reference], _ label: @autoclosure () -> String) {
    for ref in refs {
        #expect((ref.url == nil) == (ref.notFetchable != nil), "\(label()): \(ref)")
        if let url = ref.url {
            #expect(url.hasPrefix("http://") || url.hasPrefix("https://"), "\(label()): \(ref)")
            #expect(URL(string: url)?.host?.isEmpty == false, "\(label()): \(ref)")
        }
    }
}

@Suite("Hostile input: html5lib samples and pathological documents")
struct HostileInputTests {
    let url = URL(string: "http://h.test/dir/page.html")!

    @Test("every html5lib sample input, under four charsets and as CSS, yields only well-formed references",
          arguments: html5libSamples.map(\.name))
    func html5lib(_ name: String) throws {
        let sample = try #require(html5libSamples.first { $0.name == name })
        let bytes = try #require(Data(base64Encoded: sample.base64, options: .ignoreUnknownCharacters))
        let inputs = html5libInputs(Array(bytes))
        #expect(inputs.count >= 5, "\(name) has \(inputs.count) inputs")
        for (index, input) in inputs.enumerated() {
            for charset in [nil, "windows-1252", "shift_jis", "utf-16le"] {
                expectInvariants(HTMLExtractor.extract(input, url: url, charset: charset), "\(name) #\(index + 1) \(charset ?? "sniffed")")
            }
            expectInvariants(Extractor.references(in: input, contentType: "text/css", url: url), "\(name) #\(index + 1) as CSS")
            _ = Srcset.parse(String(decoding: input, as: UTF8.self))
        }
    }

    @Test("the template sample: references inside <template> are lazy, outside they are not")
    func templateSample() throws {
        let refs = HTMLExtractor.extract(Array(#"<template><img src="in.png"></template><template><template><a href="deep.html">x</a></template></template><img src="out.png">"#.utf8), url: url)
        #expect(refs.map(\.role) == [.lazy, .lazy, .requisite])
    }

    static let documents: [(String, [UInt8])] = [
        ("100 000 nested divs", Array((String(repeating: "<div>", count: 100_000) + "<img src=deep.png>").utf8)),
        ("100 000 nested pictures", Array((String(repeating: "<picture><source srcset=a.png>", count: 100_000)).utf8)),
        ("a 2 MB attribute", Array(("<img src=\"" + String(repeating: "a", count: 2_000_000) + "\">").utf8)),
        ("5000 attributes", Array(("<img " + (0..<5000).map { "a\($0)=x" }.joined(separator: " ") + " src=x.png>").utf8)),
        ("NUL bytes everywhere", Array("<im\0g src=\"a\0.png\"><\0a href=x>\0</a>".utf8)),
        ("invalid UTF-8", [0x3C, 0x69, 0x6D, 0x67, 0x20, 0x73, 0x72, 0x63, 0x3D, 0xFF, 0xFE, 0xC3, 0x28, 0xE2, 0x82, 0x3E]),
        ("odd-length UTF-16 with a BOM", [0xFF, 0xFE, 0x3C, 0x00, 0x69, 0x00, 0x6D]),
        ("unterminated comment", Array("<!-- <img src=no.png>".utf8)),
        ("unterminated style and script", Array("<style>a{background:url(x.png)<script>var a='</scr".utf8)),
        ("a srcset of 20 000 commas", Array(("<img srcset=\"" + String(repeating: ",", count: 20_000) + "\">").utf8)),
        ("a srcset of 20 000 candidates", Array(("<img srcset=\"" + (0..<20_000).map { "i\($0).png \($0)w" }.joined(separator: ",") + "\">").utf8)),
        ("CSS of 100 000 open parentheses", Array(("<div style=\"" + String(repeating: "(", count: 100_000) + "url(x.png)\">").utf8)),
        ("CSS escape at the end", Array("<div style=\"background:url(\\\">".utf8)),
        ("srcdoc nested in srcdoc", Array(#"<iframe srcdoc="<iframe srcdoc='<iframe srcdoc=&quot;<img src=x.png>&quot;></iframe>'></iframe>"></iframe>"#.utf8)),
        ("base with an unusable href", Array("<base href=\"http://[::1\"><base href=\"javascript:x\"><img src=a.png>".utf8)),
        ("only a BOM", [0xEF, 0xBB, 0xBF]),
        ("binary", (0..<65536).map { UInt8(truncatingIfNeeded: $0 &* 2654435761 >> 13) }),
    ]

    @Test("pathological documents finish and yield only well-formed references", arguments: documents.map(\.0))
    func pathological(_ name: String) throws {
        let input = try #require(Self.documents.first { $0.0 == name }?.1)
        let refs = HTMLExtractor.extract(input, url: url)
        expectInvariants(refs, name)
        expectInvariants(Extractor.references(in: input, contentType: "text/css", url: url), name + " as CSS")
        #expect(FuzzEntry.all(input) >= refs.count)
    }

    @Test("deep nesting (past libxml2's default limit of 256) still finds what is at the bottom; srcdoc recursion is bounded")
    func deepNesting() {
        let deep = HTMLExtractor.extract(Array((String(repeating: "<div>", count: 100_000) + "<img src=deep.png>").utf8), url: url)
        #expect(deep.compactMap(\.url) == ["http://h.test/dir/deep.png"])
        let nested = HTMLExtractor.extract(Self.documents.first { $0.0 == "srcdoc nested in srcdoc" }!.1, url: url)
        #expect(nested.allSatisfy { $0.raw != "x.png" }, "the third level is not followed")
    }
}
