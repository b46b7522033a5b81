internal import NIOHTTP1

/// The request header fields the server acts on, found in one pass over the header list
/// (instead of a scan of the whole list per field name).
struct RequestFields {
    var hostCount = 0
    var hasTransferEncoding = false
    var hasContentLength = false
    var acceptEncoding: [String] = []
    var range: [String] = []
    var ifMatch: [String] = []
    var ifNoneMatch: [String] = []
    var ifModifiedSince: [String] = []
    var ifUnmodifiedSince: [String] = []
    var ifRange: [String] = []

    init(_ headers: HTTPHeaders) {
        for (name, value) in headers {
            // The length picks the candidates; then one case-insensitive comparison.
            switch name.utf8.count {
            case 4 where name.equalsIgnoringASCIICase("host"): hostCount += 1
            case 5 where name.equalsIgnoringASCIICase("range"): range.append(value)
            case 8 where name.equalsIgnoringASCIICase("if-match"): ifMatch.append(value)
            case 8 where name.equalsIgnoringASCIICase("if-range"): ifRange.append(value)
            case 13 where name.equalsIgnoringASCIICase("if-none-match"): ifNoneMatch.append(value)
            case 14 where name.equalsIgnoringASCIICase("content-length"): hasContentLength = true
            case 15 where name.equalsIgnoringASCIICase("accept-encoding"): acceptEncoding.append(value)
            case 17 where name.equalsIgnoringASCIICase("if-modified-since"): ifModifiedSince.append(value)
            case 17 where name.equalsIgnoringASCIICase("transfer-encoding"): hasTransferEncoding = true
            case 19 where name.equalsIgnoringASCIICase("if-unmodified-since"): ifUnmodifiedSince.append(value)
            default: break
            }
        }
    }
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
