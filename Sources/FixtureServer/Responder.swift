internal import NIOCore
internal import NIOHTTP1
internal import HTTPSemantics

/// Answers a request from what its target leads to: a pure function of the request (its head
/// and the fields the server acts on), the ``FileState`` and the fault that applies, with no
/// I/O, so each rule of HTTP-CONFORMANCE is testable without a socket. The steps, each in its
/// own file: negotiation (which representation), preconditions (304, 412), ranges (206, 416)
/// and multipart bodies.
///
/// ```swift
/// let response = Responder.respond(to: head, fields: RequestFields(head.headers), state: .file(representations), fault: nil)
/// ```
enum Responder {
    /// The response that needs no file, if there is one: 405 for a method other than GET and
    /// HEAD, a fault's fixed status.
    static func withoutFile(_ head: HTTPRequestHead, fault: Fault?) -> Response? {
        guard head.method == .GET || head.method == .HEAD else {
            var r = error(.methodNotAllowed)
            r.headers.add(name: "Allow", value: "GET, HEAD")
            return r
        }
        if let fault, let status = fault.status { return faultStatus(fault, status: status) }
        return nil
    }

    /// The response to a GET or HEAD for a target in `state`.
    static func respond(to head: HTTPRequestHead, fields: RequestFields, state: FileState, fault: Fault?) -> Response {
        switch state {
        case .badRequest(let reason):
            var r = error(.badRequest)
            r.note = (.notice, "refused \(head.method.rawValue) \(head.uri.prefix(200)): 400, \(reason)")
            return r
        case .forbidden(let reason):
            var r = error(.forbidden)
            r.note = (.notice, "refused \(head.method.rawValue) \(head.uri.prefix(200)): 403, \(reason)")
            return r
        case .redirect(let location):
            return Response(status: .movedPermanently, headers: ["Location": location, "Content-Length": "0", "Cache-Control": "no-cache"])
        case .notFound(let page):
            return notFound(page)
        case .file(let representations):
            let representation = representations[negotiate(representations, acceptEncoding: fields.acceptEncoding)]
            return respond(to: head, fields: fields, representation: representation, fault: fault)
        }
    }

    /// The response from one representation: preconditions first, then ranges (GET only, over
    /// the served, encoded bytes), else the whole representation.
    static func respond(to head: HTTPRequestHead, fields: RequestFields, representation: Representation, fault: Fault?) -> Response {
        let ranges = head.method == .GET ? fields.range : []
        switch evaluatePreconditions(head, fields: fields, hasRange: !ranges.isEmpty, representation: representation, fault: fault) {
        case .notModified:
            return notModified(representation)
        case .preconditionFailed:
            return preconditionFailed(representation)
        case .proceed(let honourRange):
            if honourRange, !ranges.isEmpty, !(fault?.altersBody ?? false),
               let partial = rangeResponse(ranges.joined(separator: ","), representation: representation) {
                return partial
            }
        }
        return Response(status: .ok, headers: representation.okHeaders,
                        body: .pieces([representation.piece(0, representation.size)], file: representation.fileSource),
                        representation: representation)
    }

    /// A fixed status from a fault: a redirect when it has a location, else a short body.
    static func faultStatus(_ fault: Fault, status code: Int) -> Response {
        let status = HTTPResponseStatus(statusCode: code)
        if let location = fault.location {
            return Response(status: status, headers: ["Location": location, "Content-Length": "0", "Cache-Control": "no-store"])
        }
        if code == 204 || code == 304 || (100..<200).contains(code) {
            return Response(status: status, headers: [:])
        }
        var r = error(status)
        if let retryAfter = fault.retryAfter { r.headers.add(name: "Retry-After", value: String(retryAfter)) }
        return r
    }

    /// 404: the policy's not-found page (`404.html`) when it exists, else a short text.
    static func notFound(_ page: NotFoundPage?) -> Response {
        guard let page else { return error(.notFound) }
        return Response(status: .notFound, headers: page.headers, body: .pieces([.file(offset: 0, length: page.size)], file: page.source))
    }

    /// A short text body for an error status.
    static func error(_ status: HTTPResponseStatus) -> Response {
        let buffer = ByteBuffer(string: "\(status.code) \(status.reasonPhrase)\n")
        return Response(status: status, headers: [
            "Content-Type": "text/plain; charset=utf-8", "Content-Length": String(buffer.readableBytes), "Cache-Control": "no-store",
        ], body: .bytes(buffer))
    }
}
