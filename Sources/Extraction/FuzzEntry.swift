internal import CrawlModel
internal import Foundation

/// Runs arbitrary bytes through every extractor and checks the invariants every reference
/// must hold; a broken invariant stops the process, so libFuzzer, the html5lib corpus run and
/// the hostile-input tests all report it. Not for the crawler.
@_spi(Fuzzing) public enum FuzzEntry {
    static let url = URL(string: "http://fuzz.test/dir/page.html")!

    /// The libFuzzer entry: the first byte picks the extractor, the rest is the input.
    /// - Returns: the number of references found.
    public static func one(_ data: [UInt8]) -> Int {
        guard let selector = data.first else { return 0 }
        let input = Array(data.dropFirst())
        switch selector % 8 {
        case 0, 1, 2: return checked(HTMLExtractor.extract(input, url: url))
        case 3: return checked(HTMLExtractor.extract(input, url: url, charset: ["windows-1252", "shift_jis", "utf-16le", "x-bogus"][Int(selector / 8) % 4]))
        case 4, 5: return checked(Extractor.references(in: input, contentType: "text/css", url: url))
        case 6: return Srcset.parse(String(decoding: input, as: UTF8.self)).count
        default: return checked(Extractor.references(in: input, contentType: "application/manifest+json", url: url))
        }
    }

    /// Every extractor, and HTML under four charsets, on the same bytes.
    public static func all(_ input: [UInt8]) -> Int {
        var count = 0
        for charset in [nil, "windows-1252", "shift_jis", "utf-16le"] {
            count += checked(HTMLExtractor.extract(input, url: url, charset: charset))
        }
        count += checked(Extractor.references(in: input, contentType: "text/css", url: url))
        count += checked(Extractor.references(in: input, contentType: "application/manifest+json", url: url))
        count += Srcset.parse(String(decoding: input, as: UTF8.self)).count
        return count
    }

    /// The invariants: a reference has a URL exactly when it is fetchable, and that URL is
    /// absolute http(s) with a host; HTML and CSS references have a line.
    static func checked(_ refs: [Reference]) -> Int {
        for ref in refs {
            precondition((ref.url == nil) == (ref.notFetchable != nil), "url and notFetchable disagree: \(ref)")
            if let url = ref.url {
                precondition(url.hasPrefix("http://") || url.hasPrefix("https://"), "not http(s): \(ref)")
                precondition(URL(string: url)?.host?.isEmpty == false, "no host: \(ref)")
            }
            precondition(ref.element == "manifest" || (ref.line ?? 0) >= 1, "no line: \(ref)")
        }
        return refs.count
    }
}
