internal import NIOHTTP1
internal import HTTPSemantics

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

    private static let host: HTTPFieldName = "host"
    private static let transferEncoding: HTTPFieldName = "transfer-encoding"

    init(_ headers: HTTPHeaders) {
        for (name, value) in headers {
            // The length picks the candidates; then one case-insensitive comparison.
            switch name.utf8.count {
            case 4 where Self.host.matches(name): hostCount += 1
            case 5 where HTTPFieldName.range.matches(name): lines.append(Line(field: .range, value: value))
            case 8 where HTTPFieldName.ifMatch.matches(name): lines.append(Line(field: .ifMatch, value: value))
            case 8 where HTTPFieldName.ifRange.matches(name): lines.append(Line(field: .ifRange, value: value))
            case 13 where HTTPFieldName.ifNoneMatch.matches(name): lines.append(Line(field: .ifNoneMatch, value: value))
            case 14 where HTTPFieldName.contentLength.matches(name): hasContentLength = true
            case 15 where HTTPFieldName.acceptEncoding.matches(name): lines.append(Line(field: .acceptEncoding, value: value))
            case 17 where HTTPFieldName.ifModifiedSince.matches(name): lines.append(Line(field: .ifModifiedSince, value: value))
            case 17 where Self.transferEncoding.matches(name): hasTransferEncoding = true
            case 19 where HTTPFieldName.ifUnmodifiedSince.matches(name): lines.append(Line(field: .ifUnmodifiedSince, value: value))
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
