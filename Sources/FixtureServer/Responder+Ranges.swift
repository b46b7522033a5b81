internal import NIOCore
internal import NIOHTTP1
internal import HTTPSemantics

extension Responder {
    /// 206 or 416 for a `Range` (RFC 9110 §14) over the representation's bytes; nil when the
    /// range is to be ignored (an unknown unit, an empty representation): then 200.
    static func rangeResponse(_ range: String, representation: Representation) -> Response? {
        let size = representation.size
        switch ByteRanges.evaluate(range, length: size) {
        case .ignore:
            return nil
        case .unsatisfiable(let reason):
            var r = error(.rangeNotSatisfiable)
            r.headers.add(name: "Content-Range", value: "bytes */\(size)")
            for (name, value) in representation.headers where name.lowercased() != "accept-ranges" { r.headers.replaceOrAdd(name: name, value: value) }
            r.headers.remove(name: "Content-Encoding")
            r.note = (.debug, "416: \(reason)")
            return r
        case .partial(let parts) where parts.count == 1:
            let part = parts[0]
            var headers = representation.headers
            headers.add(name: "Content-Type", value: representation.contentType)
            headers.add(name: "Content-Range", value: "bytes \(part.lowerBound)-\(part.upperBound)/\(size)")
            headers.add(name: "Content-Length", value: String(part.count))
            return Response(status: .partialContent, headers: headers,
                            body: .pieces([representation.piece(part.lowerBound, part.count)], file: representation.fileSource))
        case .partial(let parts):
            return multipartResponse(parts, representation: representation, boundary: randomBoundary())
        }
    }
}
