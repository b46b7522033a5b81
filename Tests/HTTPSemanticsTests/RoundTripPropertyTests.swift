import Foundation
import HTTPSemantics
import Testing

/// parse ∘ format round-trips of the field values the project writes and reads, on seeded
/// random values (the seed is fixed: a failure names its case and replays on every run).
@Suite("Round-trips: what is written reads back the same")
struct RoundTripPropertyTests {
    static let tokenCharacters = "abcdefghijklmnopqrstuvwxyz0123456789-"
    static let quotedCharacters = "abc XYZ,;=/\\\"019"

    @Test("Cache-Control: directives written as tokens or quoted strings, over one or several lines, parse back")
    func cacheControl() {
        var rng = SeededGenerator(seed: 1)
        for _ in 0..<propertyCases {
            var expected: [String: String?] = [:]
            var members: [String] = []
            for _ in 0..<Int.random(in: 0...5, using: &rng) {
                let name = rng.string(Self.tokenCharacters, length: 1...8)
                let value: String? = switch Int.random(in: 0...2, using: &rng) {
                case 0: nil
                case 1: rng.string("0123456789", length: 1...6)
                default: rng.string(Self.quotedCharacters, length: 0...6)
                }
                let written = value.map { v in
                    v.allSatisfy { Self.tokenCharacters.contains($0) } && !v.isEmpty
                        ? "\(name)=\(v)"
                        : "\(name)=\"" + v.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
                } ?? name
                members.append(written)
                if expected[name] == nil { expected[name] = .some(value) }
            }
            // Split the members over one to three lines at random, with random optional whitespace.
            var lines: [String] = [""]
            for m in members {
                if Bool.random(using: &rng), !lines[lines.count - 1].isEmpty { lines.append("") }
                let ows = rng.pick(["", " ", "\t", "  "])
                lines[lines.count - 1] += (lines[lines.count - 1].isEmpty ? ows : "," + ows) + m
            }
            let parsed = CacheControl(lines)
            #expect(parsed.directives == expected, "\(lines)")
        }
    }

    @Test("entity tags: description parses back; lists of them parse back in order")
    func entityTags() {
        var rng = SeededGenerator(seed: 2)
        let opaqueCharacters = "abcXYZ019-_.,;:!#$%&'()*+/<=>?@[]^`{|}~ "
        for _ in 0..<propertyCases {
            let tags = (0..<Int.random(in: 1...4, using: &rng)).map { _ in
                EntityTag(opaque: rng.string(opaqueCharacters, length: 0...12), weak: Bool.random(using: &rng))
            }
            for tag in tags { #expect(EntityTag(parsing: tag.description[...]) == tag, "\(tag)") }
            let line = tags.map(\.description).joined(separator: rng.pick([",", ", ", " ,\t"]))
            #expect(EntityTagCondition(parsing: [line]) == .tags(tags), "\(line)")
        }
    }

    @Test("media types: essence and parameters written back parse the same")
    func mediaTypes() {
        var rng = SeededGenerator(seed: 3)
        for _ in 0..<propertyCases {
            let essence = rng.string("abcxyz", length: 1...6) + "/" + rng.string("abcxyz+.-", length: 1...8)
            var parameters: [String: String] = [:]
            var text = essence
            for _ in 0..<Int.random(in: 0...3, using: &rng) {
                let name = rng.string("abcxyz", length: 1...5), value = rng.string("abcXYZ09-", length: 1...6)
                text += rng.pick([";", "; ", " ; "]) + name + "=" + (Bool.random(using: &rng) ? value : "\"\(value)\"")
                if parameters[name] == nil { parameters[name] = value }
            }
            let parsed = MediaType(text)
            #expect(parsed.essence == essence && parsed.parameters == parameters, "\(text)")
        }
    }

    @Test("byte sizes: the formatter's digits are String(format: \"%.1f\")'s")
    func sizeFormatMatchesPrintf() {
        var rng = SeededGenerator(seed: 4)
        for _ in 0..<propertyCases {
            let n = Int.random(in: 0...(1 << 34), using: &rng) >> Int.random(in: 0...30, using: &rng)
            let printf = n < 1024 ? "\(n) B" : n < 1 << 20 ? String(format: "%.1f KB", Double(n) / 1024) : String(format: "%.1f MB", Double(n) / 1024 / 1024)
            #expect(ByteSize.format(n) == printf, "\(n)")
        }
    }

    @Test("byte ranges: every 206 covers only bytes that exist, sorted and disjoint, and every byte asked for")
    func byteRanges() {
        var rng = SeededGenerator(seed: 5)
        for _ in 0..<propertyCases {
            let length = Int.random(in: 1...200, using: &rng)
            var specs: [String] = []
            var wanted = Set<Int>()
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let first = Int.random(in: 0...220, using: &rng), last = first + Int.random(in: 0...50, using: &rng)
                switch Int.random(in: 0...2, using: &rng) {
                case 0: specs.append("\(first)-\(last)"); if first < length { wanted.formUnion(first...min(last, length - 1)) }
                case 1: specs.append("\(first)-"); if first < length { wanted.formUnion(first...(length - 1)) }
                default:
                    let n = Int.random(in: 1...50, using: &rng)
                    specs.append("-\(n)"); wanted.formUnion(max(0, length - n)...(length - 1))
                }
            }
            let header = "bytes=" + specs.joined(separator: ",")
            switch ByteRanges.evaluate(header, length: length) {
            case .partial(let ranges):
                #expect(ranges.allSatisfy { $0.lowerBound >= 0 && $0.upperBound < length }, "\(header) of \(length)")
                #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound + 1 < $1.lowerBound }, "\(header)")
                #expect(Set(ranges.flatMap { Array($0) }) == wanted, "\(header) of \(length)")
            case .unsatisfiable:
                #expect(wanted.isEmpty, "\(header) of \(length) refused although it asks for bytes that exist")
            case .ignore:
                Issue.record("\(header) ignored")
            }
        }
    }
}
