internal import NIOCore
internal import NIOHTTP1
internal import HTTPSemantics

extension Responder {
    /// The request's preconditions against the representation's validators (RFC 9110 §13.2.2);
    /// a fault may say to ignore them.
    static func evaluatePreconditions(_ head: HTTPRequestHead, fields: RequestFields, hasRange: Bool,
                                      representation: Representation, fault: Fault?) -> PreconditionOutcome {
        var preconditions = Preconditions()
        if fault?.ignoreConditionals != true {
            preconditions.ifMatch = fields.ifMatch
            preconditions.ifUnmodifiedSince = fields.ifUnmodifiedSince
            preconditions.ifNoneMatch = fields.ifNoneMatch
            preconditions.ifModifiedSince = fields.ifModifiedSince
            preconditions.ifRange = fields.ifRange
        }
        preconditions.hasRange = hasRange
        return preconditions.evaluate(method: head.method.rawValue, etag: representation.etag, lastModified: representation.lastModified)
    }

    /// 304 with what a cache needs to update its stored response (§15.4.5).
    static func notModified(_ representation: Representation) -> Response {
        Response(status: .notModified, headers: representation.notModifiedHeaders, representation: representation)
    }

    /// 412 with the representation's validators and policy headers, but no Accept-Ranges or
    /// Content-Encoding (the body is the error text).
    static func preconditionFailed(_ representation: Representation) -> Response {
        var r = error(.preconditionFailed)
        for (name, value) in representation.headers where name.lowercased() != "accept-ranges" && name.lowercased() != "content-encoding" {
            r.headers.add(name: name, value: value)
        }
        return r
    }
}
