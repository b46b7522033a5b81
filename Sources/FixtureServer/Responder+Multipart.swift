internal import NIOCore
internal import NIOHTTP1

extension Responder {
    /// 206 with a `multipart/byteranges` body (RFC 9110 §14.6): one part per range, each with
    /// its Content-Type and Content-Range, the file's bytes between literal part heads.
    static func multipartResponse(_ parts: [ClosedRange<Int>], representation: Representation, boundary: String) -> Response {
        let size = representation.size
        var pieces: [BodyPiece] = []
        pieces.reserveCapacity(parts.count * 2 + 1)
        for (i, r) in parts.enumerated() {
            let partHead = "\(i == 0 ? "" : "\r\n")--\(boundary)\r\nContent-Type: \(representation.contentType)\r\nContent-Range: bytes \(r.lowerBound)-\(r.upperBound)/\(size)\r\n\r\n"
            pieces.append(.bytes(ByteBuffer(string: partHead)))
            pieces.append(representation.piece(r.lowerBound, r.count))
        }
        pieces.append(.bytes(ByteBuffer(string: "\r\n--\(boundary)--\r\n")))
        var headers = representation.headers
        headers.add(name: "Content-Type", value: "multipart/byteranges; boundary=\(boundary)")
        headers.add(name: "Content-Length", value: String(pieces.reduce(0) { $0 + $1.length }))
        return Response(status: .partialContent, headers: headers, body: .pieces(pieces, file: representation.fileSource))
    }

    /// 16 random hex digits: a boundary that the bytes of a part are unlikely to contain.
    static func randomBoundary() -> String {
        String(UInt64.random(in: 1 ... .max), radix: 16).leftPadded(to: 16)
    }
}
