internal import NIOHTTP1

/// The request header fields the server acts on, found in one pass over the header list
/// (instead of a scan of the whole list per field name), kept in one small array.
struct RequestFields: Equatable {
    enum Field { case acceptEncoding, range, ifMatch, ifNoneMatch, ifModifiedSince, ifUnmodifiedSince, ifRange }

    var hostCount = 0
    var hasTransferEncoding = false
    var hasContentLength = false
    /// The field lines of the `Field`s, in the order they came.
    private var lines: [Line] = []
    private struct Line: Equatable {
        var field: Field
        var value: String
    }

    init(_ headers: HTTPHeaders) {
        for (name, value) in headers {
            // The length picks the candidates; then one case-insensitive comparison.
            switch name.utf8.count {
            case 4 where name.equalsIgnoringASCIICase("host"): hostCount += 1
            case 5 where name.equalsIgnoringASCIICase("range"): lines.append(Line(field: .range, value: value))
            case 8 where name.equalsIgnoringASCIICase("if-match"): lines.append(Line(field: .ifMatch, value: value))
            case 8 where name.equalsIgnoringASCIICase("if-range"): lines.append(Line(field: .ifRange, value: value))
            case 13 where name.equalsIgnoringASCIICase("if-none-match"): lines.append(Line(field: .ifNoneMatch, value: value))
            case 14 where name.equalsIgnoringASCIICase("content-length"): hasContentLength = true
            case 15 where name.equalsIgnoringASCIICase("accept-encoding"): lines.append(Line(field: .acceptEncoding, value: value))
            case 17 where name.equalsIgnoringASCIICase("if-modified-since"): lines.append(Line(field: .ifModifiedSince, value: value))
            case 17 where name.equalsIgnoringASCIICase("transfer-encoding"): hasTransferEncoding = true
            case 19 where name.equalsIgnoringASCIICase("if-unmodified-since"): lines.append(Line(field: .ifUnmodifiedSince, value: value))
            default: break
            }
        }
    }

    /// The values of one field, in order.
    subscript(field: Field) -> [String] {
        lines.isEmpty ? [] : lines.compactMap { $0.field == field ? $0.value : nil }
    }

    var acceptEncoding: [String] { self[.acceptEncoding] }
    var range: [String] { self[.range] }
    var ifMatch: [String] { self[.ifMatch] }
    var ifNoneMatch: [String] { self[.ifNoneMatch] }
    var ifModifiedSince: [String] { self[.ifModifiedSince] }
    var ifUnmodifiedSince: [String] { self[.ifUnmodifiedSince] }
    var ifRange: [String] { self[.ifRange] }
}

extension String {
    /// Whether this equals `lowercase` (lowercase letters and `-` only) in any ASCII case.
    /// Setting bit 0x20 lowercases a letter and leaves `-` as it is; no other byte of a field
    /// name (a token, RFC 9110 §5.1) becomes a lowercase letter or `-` by it.
    func equalsIgnoringASCIICase(_ lowercase: StaticString) -> Bool {
        guard utf8.count == lowercase.utf8CodeUnitCount else { return false }
        return lowercase.withUTF8Buffer { expected in
            var i = 0
            for byte in utf8 {
                if byte | 0x20 != expected[i] { return false }
                i += 1
            }
            return true
        }
    }
}
