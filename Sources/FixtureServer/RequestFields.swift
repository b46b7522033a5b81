internal import NIOHTTP1
internal import HTTPSemantics

/// The request header fields the server acts on, found in one pass over the header list
/// (instead of a scan of the whole list per field name). Each field's lines are kept in an
/// array of their own, so reading one is free: a 304 reads five of them, and each read of a
/// single array filtered by field allocated one (#14 item 6).
struct RequestFields: Equatable {
    var hostCount = 0
    var hasTransferEncoding = false
    var hasContentLength = false
    /// Each field's lines, in the order they came.
    private(set) var acceptEncoding: [String] = []
    private(set) var range: [String] = []
    private(set) var ifMatch: [String] = []
    private(set) var ifNoneMatch: [String] = []
    private(set) var ifModifiedSince: [String] = []
    private(set) var ifUnmodifiedSince: [String] = []
    private(set) var ifRange: [String] = []

    private static let host: HTTPFieldName = "host"
    private static let transferEncoding: HTTPFieldName = "transfer-encoding"

    init(_ headers: HTTPHeaders) {
        for (name, value) in headers {
            // The length picks the candidates; then one case-insensitive comparison.
            switch name.utf8.count {
            case 4 where Self.host.matches(name): hostCount += 1
            case 5 where HTTPFieldName.range.matches(name): range.append(value)
            case 8 where HTTPFieldName.ifMatch.matches(name): ifMatch.append(value)
            case 8 where HTTPFieldName.ifRange.matches(name): ifRange.append(value)
            case 13 where HTTPFieldName.ifNoneMatch.matches(name): ifNoneMatch.append(value)
            case 14 where HTTPFieldName.contentLength.matches(name): hasContentLength = true
            case 15 where HTTPFieldName.acceptEncoding.matches(name): acceptEncoding.append(value)
            case 17 where HTTPFieldName.ifModifiedSince.matches(name): ifModifiedSince.append(value)
            case 17 where Self.transferEncoding.matches(name): hasTransferEncoding = true
            case 19 where HTTPFieldName.ifUnmodifiedSince.matches(name): ifUnmodifiedSince.append(value)
            default: break
            }
        }
    }
}
