@testable import CrawlStore
import CrawlModel
import Foundation
import Testing

/// The store's binary records: every generated record comes back equal (compared through its
/// JSON form, which every report is made from), and damaged bytes are refused, not misread.
@Suite struct RecordCodingTests {
    /// A small deterministic generator (SplitMix64), so a failing case reproduces.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
        mutating func bool() -> Bool { next() & 1 == 1 }
        mutating func maybe<T>(_ make: (inout Generator) -> T) -> T? { bool() ? make(&self) : nil }
        mutating func pick<T>(_ values: [T]) -> T { values[int(0...values.count - 1)] }
        /// Any integer, extremes included.
        mutating func anyInt() -> Int { pick([0, -1, 1, Int.max, Int.min, 127, 128, 300, -300, Int(truncatingIfNeeded: next())]) }
        mutating func string() -> String {
            let pieces = ["", "a", "/index.html", "é", "日本語", "😀", "\u{0}", "\"quote\"", "\\", "\n", "https://x.invalid/p?q=1&r=ü"]
            return (0..<int(0...3)).map { _ in pick(pieces) }.joined()
        }
        mutating func double() -> Double { pick([0, -0.0, 1.5, 1e300, .leastNonzeroMagnitude, Double(int(0...100_000)) / 7]) }
    }

    static func header(_ g: inout Generator) -> HeaderField { HeaderField(name: g.string(), value: g.string()) }

    static func exchange(_ g: inout Generator) -> Exchange {
        var e = Exchange(url: g.string(), method: g.pick(["GET", "HEAD"]), requestHeaders: (0..<g.int(0...3)).map { _ in header(&g) },
                         status: g.maybe { $0.pick([200, 304, 404, 301, 599]) }, httpVersion: g.maybe { $0.string() },
                         responseHeaders: (0..<g.int(0...5)).map { _ in header(&g) }, headerBytes: g.anyInt(), bodyBytes: g.anyInt(),
                         decodedBytes: g.maybe { $0.anyInt() }, truncated: g.bool(),
                         error: g.maybe { FetchError($0.pick(FetchError.Code.allCases), $0.string()) },
                         timings: Timings(startedMs: g.double(), headMs: g.maybe { $0.double() }, totalMs: g.maybe { $0.double() }))
        e.retries = g.maybe { $0.int(0...5) }
        return e
    }

    static func probe(_ g: inout Generator) -> Probe {
        Probe(exchange: exchange(&g), verdict: g.pick(RevalidationVerdict.allCases),
              notes: (0..<g.int(0...2)).map { _ in g.pick(RevalidationVerdict.allCases) })
    }

    static func resource(_ g: inout Generator) -> FetchedResource {
        FetchedResource(url: g.string(), kind: g.pick(AssetKind.allCases), redirects: (0..<g.int(0...3)).map { _ in exchange(&g) },
                        exchange: exchange(&g),
                        revalidation: g.maybe { Revalidation(ifNoneMatch: $0.maybe { probe(&$0) }, ifModifiedSince: $0.maybe { probe(&$0) }) },
                        bodyDigest: g.maybe { $0.next() })
    }

    static func reference(_ g: inout Generator) -> Reference {
        Reference(url: g.maybe { $0.string() }, raw: g.string(), element: g.string(), attribute: g.string(), line: g.maybe { $0.anyInt() },
                  kind: g.pick(AssetKind.allCases), role: g.pick([.requisite, .navigation, .metadata, .hint, .lazy]),
                  condition: g.maybe { g in Dictionary((0..<g.int(0...3)).map { _ in (g.string(), g.string()) }, uniquingKeysWith: { a, _ in a }) },
                  notFetchable: g.maybe { $0.string() }, candidateGroup: g.maybe { $0.anyInt() })
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test func resourcesRoundTrip() throws {
        var g = Generator(state: 12)
        for _ in 0..<500 {
            let r = Self.resource(&g)
            #expect(try Self.json(RecordReader.resource(RecordWriter.encode(r))) == Self.json(r))
        }
    }

    @Test("a record's tally, read without decoding the record, equals the decoded resource's")
    func talliesMatch() throws {
        var g = Generator(state: 14)
        var kinds = (failed: 0, redirects: 0, notes: 0)
        var last: [UInt8] = []
        for _ in 0..<500 {
            var r = Self.resource(&g)
            // Sizes a crawl can have: the sum of all of them must not overflow.
            r.redirects = r.redirects.map { var e = $0; e.headerBytes = g.int(0...999); e.bodyBytes = g.int(0...99_999); return e }
            r.exchange.headerBytes = g.int(0...999)
            r.exchange.bodyBytes = g.int(0...99_999)
            last = RecordWriter.encode(r)
            let tally = try RecordReader.tally(last)
            #expect(tally == ResourceTally(r))
            if tally.failed { kinds.failed += 1 }
            if !r.redirects.isEmpty { kinds.redirects += 1 }
            if tally.probes.contains(where: { $0.verdicts.count > 1 }) { kinds.notes += 1 }
        }
        #expect(kinds.failed > 0 && kinds.redirects > 0 && kinds.notes > 0)
        #expect(throws: StoreError.self) { try RecordReader.tally(Array(last.dropLast())) }
    }

    @Test func referencesRoundTrip() throws {
        var g = Generator(state: 13)
        for _ in 0..<300 {
            let refs = (0..<g.int(0...6)).map { _ in Self.reference(&g) }
            #expect(try Self.json(RecordReader.references(RecordWriter.encode(refs))) == Self.json(refs))
        }
    }

    /// Page outlines in the binary form come back equal; the JSON an older store holds is still read.
    @Test func outlinesRoundTrip() throws {
        var g = Generator(state: 15)
        for _ in 0..<300 {
            let outline = DocumentOutline(elements: (0..<g.int(0...12)).map { i in
                OutlineElement(name: g.string(), id: g.maybe { $0.string() }, classes: (0..<g.int(0...3)).map { _ in g.string() },
                               attributes: (0..<2 * g.int(0...3)).map { _ in g.string() }, parent: g.int(-1...i), previousSibling: g.int(-1...i),
                               hasText: g.int(0...1) == 1)
            })
            let bytes = try #require(PageOutlineCoding.bytes(outline))
            #expect(try PageOutlineCoding.outline(bytes) == outline)
            #expect(try PageOutlineCoding.outline(Array(try JSONEncoder().encode(outline))) == outline)
            #expect(throws: StoreError.self) { try PageOutlineCoding.outline(bytes + [0]) }
        }
        #expect(PageOutlineCoding.bytes(nil) == nil)
        #expect(try PageOutlineCoding.outline([]) == nil)
        #expect(Mirror(reflecting: OutlineElement(name: "")).children.count == 7, "a new field needs PageOutlineCoding too")
    }

    /// Every cut of a record and a wrong format byte are refused with a store error.
    @Test func damagedRecordsAreRefused() throws {
        var g = Generator(state: 14)
        let bytes = RecordWriter.encode(Self.resource(&g))
        for end in 0..<bytes.count {
            #expect(throws: StoreError.self) { try RecordReader.resource(Array(bytes[..<end])) }
        }
        #expect(throws: StoreError.self) { try RecordReader.resource(bytes + [0]) }
        var other = bytes
        other[0] = RecordWriter.format &+ 1
        #expect(throws: StoreError.self) { try RecordReader.resource(other) }
    }

    /// The codec writes each type's stored properties by hand: a property added to one of them
    /// must be added to RecordCoding+Model.swift too, and this count tells when it was not.
    @Test func codecKnowsEveryStoredProperty() {
        let e = Exchange(url: "u")
        #expect(Mirror(reflecting: e).children.count == 13)
        #expect(Mirror(reflecting: FetchedResource(url: "u", kind: .page, exchange: e)).children.count == 6)
        #expect(Mirror(reflecting: Probe(exchange: e, verdict: .INM_304)).children.count == 3)
        #expect(Mirror(reflecting: Revalidation()).children.count == 2)
        #expect(Mirror(reflecting: Timings()).children.count == 3)
        // code, message and cause; the cause (a live NIO/TLS error) is deliberately not stored.
        #expect(Mirror(reflecting: FetchError(.other, "")).children.count == 3)
        // name, value, rawValue; rawValue (bytes that are not UTF-8) is not stored: the probe and
        // the redirect that need it use it in the fetch that received it.
        #expect(Mirror(reflecting: HeaderField(name: "", value: "")).children.count == 3)
        let r = Reference(url: nil, raw: "", element: "", attribute: "", line: nil, kind: .page, role: .requisite)
        #expect(Mirror(reflecting: r).children.count == 10)
    }
}
