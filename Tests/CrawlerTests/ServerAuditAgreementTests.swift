import Audit
@testable import Crawler
import CrawlModel
import Fetching
import FixtureServer
import Foundation
import HTTPSemantics
import TestSupport
import Testing

/// The server and the audit read the same headers the same way, over real HTTP: seeded random
/// conditional requests get from the embedded server exactly the answer `Preconditions`
/// predicts (the evaluator the audit's verdicts are named by), and random `Cache-Control`
/// policies are read back by the audit's `Freshness` as the directives say.
@Suite("Server and audit agree on conditional outcomes and freshness (real HTTP)")
struct ServerAuditAgreementTests {
    static let cases = 120

    @Test("random conditional requests: the server answers what Preconditions predicts; the probe's verdicts follow")
    func conditionalOutcomes() async throws {
        try await withTemporarySite(["a.css": "body { color: red }"]) { root in
            try await FixtureServer.withFixtureServer(root: root) { (base: URL) async throws in
                try await HTTP1Fetcher.withFetcher { fetcher in
                    let url = try #require(URL(string: base.absoluteString.hasSuffix("/") ? base.absoluteString + "a.css" : base.absoluteString + "/a.css"))
                    let first = await fetcher.fetch(FetchRequest(url: url))
                    let etagText = try #require(first.exchange.etag), lastModifiedText = try #require(first.exchange.lastModified)
                    let etag = HTTPSemantics.EntityTag(parsing: etagText[...]), lastModified = try #require(HTTPSemantics.HTTPDate.parse(lastModifiedText))
                    let weak = "W/" + etagText

                    var rng = SeededGenerator(seed: 0xA9EE)
                    for _ in 0..<Self.cases {
                        var fields: [(name: String, value: String)] = []
                        func maybe(_ name: String, _ choices: [[String]]) {
                            for value in rng.pick(choices) { fields.append((name, value)) }
                        }
                        maybe("If-Match", [[], [], [etagText], [weak], ["\"other\""], ["*"]])
                        maybe("If-Unmodified-Since", [[], [], [lastModifiedText], [HTTPSemantics.HTTPDate.format(lastModified - 1)], ["garbage"]])
                        maybe("If-None-Match", [[], [], [etagText], [weak], ["\"other\""], ["*"], ["\"other\", \(etagText)"], ["\"other\"", etagText], ["unquoted"]])
                        maybe("If-Modified-Since", [[], [], [lastModifiedText], [HTTPSemantics.HTTPDate.format(lastModified + 3600)],
                                                    [HTTPSemantics.HTTPDate.format(lastModified - 1)], ["0"], [lastModifiedText, lastModifiedText]])
                        let predicted = HTTPSemantics.Preconditions(fields: fields).evaluate(method: "GET", etag: etag, lastModified: lastModified)
                        let expected = switch predicted {
                        case .notModified: 304
                        case .preconditionFailed: 412
                        case .proceed: 200
                        }
                        let response = await fetcher.fetch(FetchRequest(url: url, headers: fields.map { HeaderField(name: $0.name, value: $0.value) }))
                        #expect(response.exchange.status == expected, "\(fields): predicted \(predicted)")
                    }

                    // The crawl's probe sends exactly one validator each time: both must be 304s.
                    let probe = await RevalidationProbe(fetcher: fetcher, headers: []).probe(url: url, original: first)
                    var inm = HTTPSemantics.Preconditions(), ims = HTTPSemantics.Preconditions()
                    inm.ifNoneMatch = [etagText]
                    ims.ifModifiedSince = [lastModifiedText]
                    #expect(inm.evaluate(method: "GET", etag: etag, lastModified: lastModified) == .notModified)
                    #expect(ims.evaluate(method: "GET", etag: etag, lastModified: lastModified) == .notModified)
                    #expect(probe.ifNoneMatch?.verdict == .INM_304 && probe.ifModifiedSince?.verdict == .IMS_304)
                }
            }
        }
    }

    /// What a set of Cache-Control directives means, worked out without the parser.
    struct Directives {
        var maxAge: Int?
        var noCache = false, noStore = false, immutable = false, mustRevalidate = false, extra: String?

        /// As a server would write them: random order and case, optional whitespace.
        func written(_ rng: inout SeededGenerator) -> String {
            var parts: [String] = []
            if let maxAge { parts.append("max-age=" + (Bool.random(using: &rng) ? "\(maxAge)" : "\"\(maxAge)\"")) }
            if noCache { parts.append("no-cache") }
            if noStore { parts.append("no-store") }
            if immutable { parts.append("immutable") }
            if mustRevalidate { parts.append("must-revalidate") }
            if let extra { parts.append(extra) }
            parts.shuffle(using: &rng)
            return parts.map { Bool.random(using: &rng) ? $0.uppercased() : $0 }.joined(separator: rng.pick([",", ", ", " ,\t"]))
        }
    }

    @Test("random Cache-Control policies: the audit's freshness is what the directives say")
    func freshness() async throws {
        var rng = SeededGenerator(seed: 0xF8E5)
        var files: [String: String] = [:]
        var rules: [ServerPolicy.Rule] = []
        var expected: [String: Directives] = [:]
        for i in 0..<40 {
            let name = "f\(i).css"
            var d = Directives()
            d.maxAge = Bool.random(using: &rng) ? Int.random(in: 0...100_000, using: &rng) : nil
            d.noCache = Int.random(in: 0..<4, using: &rng) == 0
            d.noStore = Int.random(in: 0..<5, using: &rng) == 0
            d.immutable = Bool.random(using: &rng)
            d.mustRevalidate = Bool.random(using: &rng)
            d.extra = rng.pick([nil, "public", "private", "s-maxage=5", "stale-while-revalidate=30"])
            files[name] = "/* \(i) */"
            expected[name] = d
            rules.append(.init(match: name, headers: ["Cache-Control": d.written(&rng)]))
        }
        try await withTemporarySite(files) { root in
            // Old enough that heuristic freshness, where it applies, is a large and exact figure.
            let old = Date(timeIntervalSince1970: 1_700_000_000)
            for name in files.keys { try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: root.appendingPathComponent(name).path) }
            try await FixtureServer.withFixtureServer(root: root, policy: ServerPolicy(rules: rules)) { (base: URL) async throws in
                try await HTTP1Fetcher.withFetcher { fetcher in
                    for (name, d) in expected.sorted(by: { $0.key < $1.key }) {
                        let url = try #require(URL(string: base.absoluteString.hasSuffix("/") ? base.absoluteString + name : base.absoluteString + "/" + name))
                        let exchange = await fetcher.fetch(FetchRequest(url: url)).exchange
                        let f = Freshness(exchange)
                        let cc = exchange.responseHeaders.first("Cache-Control") ?? ""
                        #expect(f.immutable == d.immutable && f.mustRevalidate == d.mustRevalidate, "\(name): \(cc)")
                        if d.noStore {
                            #expect(f.source == .noStore && !f.isStored, "\(name): \(cc)")
                        } else if d.noCache {
                            #expect(f.source == .noCache && f.seconds == 0, "\(name): \(cc)")
                        } else if let maxAge = d.maxAge {
                            #expect(f.source == .maxAge && f.seconds == maxAge, "\(name): \(cc)")
                        } else {
                            let date = try #require(exchange.responseHeaders.first("Date").flatMap(HTTPSemantics.HTTPDate.parse))
                            #expect(f.source == .heuristic && f.seconds == (date - 1_700_000_000) / 10, "\(name): \(cc)")
                        }
                    }
                }
            }
        }
    }
}
