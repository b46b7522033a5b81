internal import Foundation

/// Encodes a value as exactly the bytes `JSONEncoder` gives with `[.prettyPrinted, .sortedKeys,
/// .withoutEscapingSlashes]` (the reports' settings), every line but blank ones indented by
/// `level` steps of two spaces (an element of an array nested that deep): keys sorted by their
/// UTF-8 bytes, `" : "` between key and value, `[\n\n]` for an empty array, the same string
/// escapes, doubles as their `description` without a trailing `.0`, dates as seconds since
/// 2001, URLs as their absolute string and data as base64 (JSONEncoder's default strategies).
///
/// Why: the JSON report encodes every page and resource of a crawl, and Foundation's encoder
/// (a tree of boxed values, existential containers, a dynamic cast per value) was most of the
/// `--json` run's CPU. This one builds a small tree of its own and writes it out in one pass.
/// `ReportJSONEncoderTests` compares both encoders' bytes.
struct ReportJSONEncoder {
    /// Pretty-printed bytes of `value`, every line (blank lines excepted) indented by `level` × 2 spaces.
    func encode<T: Encodable>(_ value: T, level: Int = 0) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        try encode(value, level: level, into: &out)
        return out
    }

    /// Appends what ``encode(_:level:)`` returns to `out`.
    func encode<T: Encodable>(_ value: T, level: Int = 0, into out: inout [UInt8]) throws {
        let root = try JSONNodeEncoder.wrap(value)
        writeIndent(level, &out)
        write(root, level: level, &out)
    }

    private func write(_ node: JSONNode, level: Int, _ out: inout [UInt8]) {
        switch node {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .string(let s): Self.writeString(s, &out)
        case .array(let array):
            out.append(UInt8(ascii: "["))
            out.append(0x0A)
            for (i, item) in array.items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")); out.append(0x0A) }
                writeIndent(level + 1, &out)
                write(item, level: level + 1, &out)
            }
            out.append(0x0A)
            writeIndent(level, &out)
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            out.append(0x0A)
            var first = true
            for (key, value) in object.sorted() {
                if !first { out.append(UInt8(ascii: ",")); out.append(0x0A) }
                first = false
                writeIndent(level + 1, &out)
                Self.writeString(key, &out)
                out.append(contentsOf: " : ".utf8)
                write(value, level: level + 1, &out)
            }
            out.append(0x0A)
            writeIndent(level, &out)
            out.append(UInt8(ascii: "}"))
        case .pending(let encoder): write(encoder.value ?? .object(JSONNode.Object()), level: level, &out)
        }
    }

    private func writeIndent(_ level: Int, _ out: inout [UInt8]) {
        for _ in 0..<level { out.append(0x20); out.append(0x20) }
    }

    /// A JSON string as swift-foundation's `JSONWriter` escapes it (slashes left alone).
    static func writeString(_ string: String, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var copy = string
        copy.withUTF8 { bytes in
            var mark = 0
            for i in 0..<bytes.count {
                let b = bytes[i]
                guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[mark..<i]))
                mark = i + 1
                switch b {
                case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
                case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
                case 0x08: out.append(contentsOf: "\\b".utf8)
                case 0x0C: out.append(contentsOf: "\\f".utf8)
                case 0x0A: out.append(contentsOf: "\\n".utf8)
                case 0x0D: out.append(contentsOf: "\\r".utf8)
                case 0x09: out.append(contentsOf: "\\t".utf8)
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: "\\u00".utf8)
                    out.append(hex[Int(b >> 4)])
                    out.append(hex[Int(b & 0x0F)])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[mark..<bytes.count]))
        }
        out.append(UInt8(ascii: "\""))
    }
}
