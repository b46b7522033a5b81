import Foundation
@testable import Reports
import Testing

/// The reports' own JSON encoder must give JSONEncoder's bytes (pretty-printed, sorted keys, no
/// escaped slashes), indented as an array element nested `level` deep.
@Suite("ReportJSONEncoder: the bytes of JSONEncoder")
struct ReportJSONEncoderTests {
    /// JSONEncoder's bytes with every line but blank ones indented by `level` × 2 spaces.
    func reference(_ value: some Encodable, level: Int) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let pad = Array(String(repeating: "  ", count: level).utf8)
        var out = pad
        var lineStart = false
        for byte in try encoder.encode(value) {
            if lineStart, byte != 0x0A { out.append(contentsOf: pad) }
            out.append(byte)
            lineStart = byte == 0x0A
        }
        return out
    }

    func expectSame(_ value: some Encodable, _ comment: Comment? = nil) throws {
        for level in [0, 2, 3] {
            let ours = try ReportJSONEncoder().encode(value, level: level)
            let theirs = try reference(value, level: level)
            #expect(ours == theirs, "level \(level) \(comment?.rawValue ?? ""):\n\(String(decoding: ours, as: UTF8.self))\n---\n\(String(decoding: theirs, as: UTF8.self))")
        }
    }

    enum Kind: String, Codable { case page, image }

    struct Inner: Codable {
        var name: String
        var ratio: Double?
        var tags: [String]
        var counts: [String: Int]
    }

    struct Sample: Codable {
        var text: String
        var kind: Kind
        var optionalMissing: Int?
        var optionalPresent: Int?
        var negative: Int
        var big: Int64
        var unsigned: UInt64
        var flag: Bool
        var doubles: [Double]
        var float: Float
        var empty: [Int]
        var emptyObject: [String: String]
        var nested: [Inner]
        var byNumber: [Int: String]
        var matrix: [[Int]]
        var date: Date
        var url: URL
        var data: Data
    }

    /// A hand-written `encode(to:)` with nested, super and single-value containers and an explicit null.
    struct Custom: Encodable {
        enum Keys: String, CodingKey { case a, b, z, list, inner }
        enum InnerKeys: String, CodingKey { case y, x }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encodeNil(forKey: .z)
            try c.encode("first", forKey: .a)
            try c.encode("second", forKey: .a)
            var inner = c.nestedContainer(keyedBy: InnerKeys.self, forKey: .inner)
            try inner.encode(2, forKey: .y)
            try inner.encode(1, forKey: .x)
            var list = c.nestedUnkeyedContainer(forKey: .list)
            try list.encode(1.5)
            try list.encodeNil()
            var deeper = list.nestedContainer(keyedBy: InnerKeys.self)
            try deeper.encode(true, forKey: .x)
            _ = list.nestedUnkeyedContainer()
            try Single(value: "s").encode(to: c.superEncoder(forKey: .b))
            try Single(value: "t").encode(to: c.superEncoder())
        }
    }

    struct Single: Encodable {
        var value: String
        func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            try c.encode(value)
        }
    }

    struct Nothing: Encodable {
        func encode(to encoder: any Encoder) throws {}
    }

    @Test("every kind of value: escapes, numbers, optionals, empty containers, key order, special types")
    func kinds() throws {
        let strings = ["", "plain", "quote \" backslash \\ slash / tab \t cr \r lf \n bs \u{08} ff \u{0C}",
                       "controls \u{00}\u{01}\u{0F}\u{10}\u{1F} del \u{7F}", "unicode é 漢字 😇 \u{2028}"]
        for text in strings {
            let sample = Sample(
                text: text, kind: .image, optionalMissing: nil, optionalPresent: -0, negative: -42, big: .max, unsigned: .max, flag: false,
                doubles: [1.0, 0.5, -0.0, 1e300, 1e-7, 123456789.0, 0.1 + 0.2, 3, Double.leastNonzeroMagnitude, -Double.leastNormalMagnitude],
                float: 0.1, empty: [], emptyObject: [:],
                nested: [Inner(name: text, ratio: 2, tags: [], counts: ["b": 1, "a": 2, "B": 3, "_": 4, "é": 5, "10": 6, "9": 7, "": 8, "a\u{0}": 9]),
                         Inner(name: "x", ratio: nil, tags: ["t", text], counts: [:])],
                byNumber: [10: "ten", 9: "nine", -1: "minus"], matrix: [[], [1], [2, 3]],
                date: Date(timeIntervalSinceReferenceDate: 1234.5), url: URL(string: "http://127.0.0.1:8080/a/b?c=d#e")!,
                data: Data([0, 1, 2, 250, 251]))
            try expectSame(sample, "\(Array(text.utf8))")
        }
        try expectSame(Custom())
        try expectSame([Nothing()])
        try expectSame(["k": Nothing()])
        try expectSame([String]())
        try expectSame([[String: Int]]())
        try expectSame(Optional<Int>.none)
        try expectSame("top level")
        try expectSame(3.25)
    }

    @Test("a non-finite double is an error, as JSONEncoder's")
    func nonFinite() {
        #expect(throws: EncodingError.self) { try ReportJSONEncoder().encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try ReportJSONEncoder().encode(["a": Double.infinity]) }
    }

    /// A random JSON-shaped value.
    indirect enum Tree: Encodable {
        case string(String), int(Int), double(Double), bool(Bool), null, array([Tree]), object([String: Tree])

        func encode(to encoder: any Encoder) throws {
            var single = encoder.singleValueContainer()
            switch self {
            case .string(let s): try single.encode(s)
            case .int(let i): try single.encode(i)
            case .double(let d): try single.encode(d)
            case .bool(let b): try single.encode(b)
            case .null: try single.encodeNil()
            case .array(let a): try single.encode(a)
            case .object(let o): try single.encode(o)
            }
        }

        static func random(depth: Int, _ g: inout some RandomNumberGenerator) -> Tree {
            let alphabet = Array("ab/\"\\\n\u{01}é😇 :,{}[]")
            func text() -> String { String((0..<Int.random(in: 0...6, using: &g)).map { _ in alphabet.randomElement(using: &g)! }) }
            switch Int.random(in: 0...(depth > 0 ? 7 : 4), using: &g) {
            case 0: return .string(text())
            case 1: return .int(Int.random(in: Int.min...Int.max, using: &g))
            case 2: return .double(Double.random(in: -1e6...1e6, using: &g))
            case 3: return .bool(Bool.random(using: &g))
            case 4: return .null
            case 5: return .array((0..<Int.random(in: 0...4, using: &g)).map { _ in random(depth: depth - 1, &g) })
            default:
                var o: [String: Tree] = [:]
                for _ in 0..<Int.random(in: 0...5, using: &g) { o[text()] = random(depth: depth - 1, &g) }
                return .object(o)
            }
        }
    }

    @Test("random JSON-shaped values")
    func randomTrees() throws {
        var g = SystemRandomNumberGenerator()
        for _ in 0..<300 { try expectSame(Tree.random(depth: 4, &g)) }
    }
}
