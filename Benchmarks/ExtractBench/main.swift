// extract-bench: tools around the Extraction module, for people, not for the crawler.
//
//   extract-bench bench [--seconds S] PATH...    throughput of extraction against a bare libxml2 parse
//   extract-bench corpus FILE.dat|DIR...         every html5lib #data input through every extractor
//   extract-bench generate DIR [--pages N]       a deterministic corpus of realistic pages
//   extract-bench run FILE...                    replay inputs (fuzz crashes) through the fuzz entry
//   extract-bench dump FILE [CONTENT-TYPE] [URL] every reference of one document, one JSON object a line
import CrawlModel
@_spi(Benchmark) @_spi(Fuzzing) import Extraction
import Foundation

struct Failure: Error, CustomStringConvertible {
    var description: String
}

func die(_ message: String, code: Int32 = 2) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(code)
}

/// Every file under the paths with one of the extensions, sorted for a stable order.
func files(under paths: [String], extensions: Set<String>) -> [URL] {
    var result: [URL] = []
    for path in paths {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { die("no such file: \(path)") }
        if !isDirectory.boolValue {
            result.append(url)
            continue
        }
        let enumerator = FileManager.default.enumerator(at: url, includingPropertiesForKeys: nil)
        while let file = enumerator?.nextObject() as? URL {
            if extensions.contains(file.pathExtension.lowercased()) { result.append(file) }
        }
    }
    return result.sorted { $0.path < $1.path }
}

// MARK: bench

func bench(_ arguments: [String]) {
    var seconds = 3.0
    var paths: [String] = []
    var iterator = arguments.makeIterator()
    while let argument = iterator.next() {
        if argument == "--seconds", let value = iterator.next().flatMap(Double.init) { seconds = value } else { paths.append(argument) }
    }
    if paths.isEmpty { die("usage: extract-bench bench [--seconds S] PATH...") }
    let pages: [(url: URL, bytes: [UInt8])] = files(under: paths, extensions: ["html", "htm"]).compactMap { file in
        guard let data = FileManager.default.contents(atPath: file.path) else { return nil }
        // Each page gets an http URL so references resolve as in a crawl.
        return (URL(string: "http://bench.test/" + file.lastPathComponent)!, Array(data))
    }
    if pages.isEmpty { die("no .html files under \(paths)") }
    let totalBytes = pages.reduce(0) { $0 + $1.bytes.count }
    let clock = ContinuousClock()
    var refs = 0

    func passBare() {
        for page in pages where !BareParse.parse(page.bytes, url: page.url.absoluteString) { die("libxml2 returned no document") }
    }
    func passExtract() {
        refs = 0
        for page in pages { refs += Extractor.references(in: page.bytes, contentType: "text/html", url: page.url).count }
    }
    // Warm up both, then alternate passes so both see the same machine load; keep the best pass of each.
    passBare()
    passExtract()
    var bestBare = Duration.seconds(1_000_000), bestExtract = Duration.seconds(1_000_000)
    var rounds = 0
    let start = clock.now
    while rounds < 3 || clock.now - start < .seconds(seconds) {
        bestBare = min(bestBare, clock.measure(passBare))
        bestExtract = min(bestExtract, clock.measure(passExtract))
        rounds += 1
    }
    func inSeconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
    let mb = Double(totalBytes) / 1_000_000
    let bare = inSeconds(bestBare), extract = inSeconds(bestExtract)
    print("corpus: \(pages.count) pages, \(String(format: "%.2f", mb)) MB, \(refs) references (\(refs / pages.count) per page)")
    print("rounds: \(rounds), best pass of each")
    print(String(format: "bare htmlReadMemory: %8.1f MB/s %9.1f pages/s", mb / bare, Double(pages.count) / bare))
    print(String(format: "extraction:          %8.1f MB/s %9.1f pages/s", mb / extract, Double(pages.count) / extract))
    print(String(format: "ratio (extraction / bare parse throughput): %.2f", bare / extract))
}

// MARK: corpus

/// The inputs of an html5lib tree-construction file: what follows each `#data` line, up to `#errors`.
func html5libInputs(_ text: String) -> [String] {
    var inputs: [String] = []
    var current: [Substring]? = nil
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        if line == "#data" {
            current = []
        } else if line == "#errors" || line.hasPrefix("#errors ") {
            if let lines = current { inputs.append(lines.joined(separator: "\n")) }
            current = nil
        } else if current != nil {
            current!.append(line)
        }
    }
    return inputs
}

func corpus(_ arguments: [String]) {
    if arguments.isEmpty { die("usage: extract-bench corpus FILE.dat|DIR...") }
    let clock = ContinuousClock()
    var cases = 0, references = 0
    var slowest: (Duration, String) = (.zero, "")
    for file in files(under: arguments, extensions: ["dat"]) {
        guard let data = FileManager.default.contents(atPath: file.path) else { continue }
        for (index, input) in html5libInputs(String(decoding: data, as: UTF8.self)).enumerated() {
            cases += 1
            let elapsed = clock.measure {
                let found = FuzzEntry.all(Array(input.utf8))
                references += found
            }
            if elapsed > slowest.0 { slowest = (elapsed, "\(file.lastPathComponent) case \(index + 1)") }
        }
    }
    print("html5lib corpus: \(cases) inputs, each through HTML (4 charsets), CSS, srcset and manifest extraction: no crash")
    print("\(references) references; slowest input: \(slowest.1) in \(slowest.0)")
}

// MARK: run (replay)

func run(_ arguments: [String]) {
    for file in files(under: arguments, extensions: ["html", "htm", "css", "dat", "bin", "txt", ""]) {
        guard let data = FileManager.default.contents(atPath: file.path) else { continue }
        let count = FuzzEntry.all(Array(data))
        print("\(file.path): \(count) references")
    }
}

// MARK: dump

func dump(_ arguments: [String]) {
    guard let path = arguments.first, let data = FileManager.default.contents(atPath: path) else {
        die("usage: extract-bench dump FILE [CONTENT-TYPE] [URL]")
    }
    let contentType = arguments.count > 1 ? arguments[1] : "text/html"
    let url = arguments.count > 2 ? URL(string: arguments[2]) : URL(string: "http://dump.test/" + (path as NSString).lastPathComponent)
    guard let url else { die("not a URL: \(arguments[2])") }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    for ref in Extractor.references(in: Array(data), contentType: contentType, url: url) {
        print(String(decoding: (try? encoder.encode(ref)) ?? Data(), as: UTF8.self))
    }
}

// MARK: generate

/// A deterministic generator of content-site pages: head with stylesheets, preloads and
/// metadata, navigation, paragraphs with inline links, figures with srcset, pictures, cards
/// with inline styles, tables, inline scripts and a footer. About 40–120 KB each.
struct PageGenerator {
    var state: UInt64

    mutating func next(_ bound: Int) -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int((state >> 33) % UInt64(bound))
    }

    static let words = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et "
        + "dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo "
        + "consequat duis aute irure in reprehenderit voluptate velit esse cillum fugiat nulla pariatur").split(separator: " ")

    mutating func text(_ count: Int) -> String {
        (0..<count).map { _ in String(Self.words[next(Self.words.count)]) }.joined(separator: " ")
    }

    mutating func page(_ n: Int) -> String {
        var h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Page \(n) — \(text(4))</title>\n"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        h += "<meta property=\"og:image\" content=\"/img/og/\(n).jpg\">\n"
        for s in ["base", "layout", "theme-\(n % 5)"] { h += "<link rel=\"stylesheet\" href=\"/assets/css/\(s).css?v=\(n % 7)\">\n" }
        h += "<link rel=\"preload\" href=\"/assets/fonts/body.woff2\" as=\"font\" type=\"font/woff2\" crossorigin>\n"
        h += "<link rel=\"icon\" href=\"/favicon.ico\"><link rel=\"manifest\" href=\"/site.webmanifest\">\n"
        h += "<link rel=\"preconnect\" href=\"https://cdn.example.test\">\n"
        h += "<style>\n.hero{background-image:url(/img/hero/\(n).jpg)}\n"
        for i in 0..<12 { h += ".c\(i){color:#\(String(format: "%06x", next(0xFFFFFF)));margin:\(next(20))px}\n" }
        h += "</style>\n<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\",\"headline\":\"\(text(8))\"}</script>\n"
        for s in ["vendor", "app"] { h += "<script src=\"/assets/js/\(s).js\" defer></script>\n" }
        h += "</head>\n<body class=\"page-\(n)\">\n<header class=\"site\"><nav><ul>\n"
        for i in 0..<40 { h += "<li class=\"nav-item\"><a class=\"nav-link\" href=\"/section/\(i)/\">\(text(2))</a></li>\n" }
        h += "</ul></nav></header>\n<main id=\"content\">\n<article>\n<h1>\(text(6))</h1>\n"
        let paragraphs = 40 + next(60)
        for p in 0..<paragraphs {
            h += "<p class=\"c\(p % 12)\">\(text(20 + next(40)))"
            for _ in 0..<next(4) { h += " <a href=\"/post/\(next(5000)).html\" title=\"\(text(2))\">\(text(3))</a> \(text(8))" }
            h += "<span class=\"note\"><em>\(text(3))</em> \(text(5))</span>.</p>\n"
            switch p % 10 {
            case 3:
                let img = next(10000)
                h += "<figure><img src=\"/img/\(img)-640.jpg\" srcset=\"/img/\(img)-320.jpg 320w, /img/\(img)-640.jpg 640w, "
                    + "/img/\(img)-1280.jpg 1280w\" sizes=\"(max-width: 700px) 100vw, 700px\" alt=\"\(text(4))\" loading=\"lazy\">"
                    + "<figcaption>\(text(10))</figcaption></figure>\n"
            case 6:
                h += "<picture><source type=\"image/avif\" srcset=\"/img/p\(p).avif\"><source type=\"image/webp\" "
                    + "srcset=\"/img/p\(p).webp\"><img src=\"/img/p\(p).jpg\" alt=\"\"></picture>\n"
            case 8:
                h += "<div class=\"card\" style=\"background-image: url(&quot;/img/card/\(next(300)).png&quot;); padding: 1em\">"
                    + "<h3>\(text(4))</h3><p>\(text(25))</p><a class=\"button\" href=\"/card/\(p)\">\(text(2))</a></div>\n"
            case 9:
                h += "<table class=\"data\"><thead><tr><th>\(text(1))</th><th>\(text(1))</th><th>\(text(1))</th></tr></thead><tbody>\n"
                for _ in 0..<8 { h += "<tr><td>\(next(1000))</td><td>\(text(3))</td><td><a href=\"/row/\(next(900))\">x</a></td></tr>\n" }
                h += "</tbody></table>\n"
            default:
                break
            }
        }
        h += "</article>\n<aside><ul>\n"
        for i in 0..<15 { h += "<li><a href=\"/related/\(n + i).html\"><img src=\"/img/thumb/\(n + i).jpg\" width=\"80\" alt=\"\">\(text(5))</a></li>\n" }
        h += "</ul></aside>\n</main>\n<script>\nwindow.dataLayer = window.dataLayer || [];\n"
        for i in 0..<40 { h += "function f\(i)(a, b) { return a < b ? \"\(text(3))\" : '</' + 'div>'; }\n" }
        h += "</script>\n<footer><div class=\"cols\">\n"
        for i in 0..<30 { h += "<a href=\"/footer/\(i)\">\(text(2))</a>\n" }
        h += "</div><p>&copy; 2026 \(text(4)) &mdash; <a href=\"mailto:hello@example.test\">mail</a></p></footer>\n</body>\n</html>\n"
        return h
    }
}

func generate(_ arguments: [String]) {
    var count = 200
    var directory: String?
    var iterator = arguments.makeIterator()
    while let argument = iterator.next() {
        if argument == "--pages", let value = iterator.next().flatMap(Int.init) { count = value } else { directory = argument }
    }
    guard let directory else { die("usage: extract-bench generate DIR [--pages N]") }
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    var generator = PageGenerator(state: 42)
    var bytes = 0
    for n in 0..<count {
        let page = generator.page(n)
        bytes += page.utf8.count
        _ = FileManager.default.createFile(atPath: directory + "/page-\(n).html", contents: Data(page.utf8))
    }
    print("generated \(count) pages, \(bytes) bytes, in \(directory)")
}

// MARK: main

var arguments = Array(CommandLine.arguments.dropFirst())
guard !arguments.isEmpty else { die("usage: extract-bench bench|corpus|generate|run|dump …") }
let command = arguments.removeFirst()
switch command {
case "bench": bench(arguments)
case "corpus": corpus(arguments)
case "generate": generate(arguments)
case "run": run(arguments)
case "dump": dump(arguments)
default: die("unknown command \(command): use bench, corpus, generate, run or dump")
}
