internal import NIOCore
internal import NIOHTTP1

/// Reads the plainest HTTP/1.x request heads without llhttp: a GET or HEAD of an
/// origin-form target with no body, each byte in the strict grammar of RFC 9112, the whole
/// head in the bytes at hand. It accepts only what llhttp reads the same way and answers
/// ``Result/unsupported`` for everything else, which ``HTTP1RequestReader`` then hands to
/// NIO's llhttp decoder, so that every error status, every body and every lenient or
/// ambiguous form keeps exactly one reading (no request smuggling between two parsers):
///
/// - request line: `GET` or `HEAD`, one space, a target of visible ASCII starting with `/`,
///   one space, `HTTP/1.1` or `HTTP/1.0`, CRLF (§3);
/// - field lines: a token name, `:`, optional spaces or tabs, a value of visible ASCII, spaces
///   and tabs that does not end in whitespace, CRLF (§5); no obs-fold (a line starting with
///   whitespace, §5.2), no bare CR or LF (§2.2), no obs-text or other control bytes;
/// - no `Content-Length`, `Transfer-Encoding` or `Upgrade` field: any request that could
///   carry a body or switch protocols (§6, §7) is llhttp's;
/// - well within the limits: the target at most ``ServerLimits/maxRequestTargetBytes`` (the
///   state machine answers 414 beyond) and half of ``ServerLimits/maxHeaderFieldBytes``, each
///   field line at most half of that, target and field lines at most half of
///   ``ServerLimits/maxHeaderListBytes``, at most ``ServerLimits/maxHeaderCount`` fields
///   (llhttp answers 431 beyond, counting the same way);
/// - no empty line before the request line (§2.2 lets a server skip it: llhttp does).
enum HTTP1RequestHeadScanner {
    enum Result: Equatable {
        /// A complete head, `length` bytes including its empty last line.
        case head(HTTPRequestHead, length: Int)
        /// Not in the subset (or not complete): for llhttp.
        case unsupported
    }

    private static let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n"), sp = UInt8(ascii: " "), tab = UInt8(ascii: "\t")

    static func scan(_ bytes: ByteBuffer, limits: ServerLimits) -> Result {
        bytes.withUnsafeReadableBytes { scan($0, limits: limits) }
    }

    static func scan(_ p: UnsafeRawBufferPointer, limits: ServerLimits) -> Result {
        let n = p.count
        var i: Int
        let method: HTTPMethod
        if n > 4, p[0] == UInt8(ascii: "G"), p[1] == UInt8(ascii: "E"), p[2] == UInt8(ascii: "T"), p[3] == sp {
            (method, i) = (.GET, 4)
        } else if n > 5, p[0] == UInt8(ascii: "H"), p[1] == UInt8(ascii: "E"), p[2] == UInt8(ascii: "A"), p[3] == UInt8(ascii: "D"), p[4] == sp {
            (method, i) = (.HEAD, 5)
        } else {
            return .unsupported
        }
        let targetStart = i
        guard p[i] == UInt8(ascii: "/") else { return .unsupported }
        while i < n, p[i] > sp, p[i] < 0x7F { i += 1 }
        let targetEnd = i
        guard targetEnd - targetStart <= min(limits.maxRequestTargetBytes, limits.maxHeaderFieldBytes / 2), i + 11 <= n, p[i] == sp,
              p[i + 1] == UInt8(ascii: "H"), p[i + 2] == UInt8(ascii: "T"), p[i + 3] == UInt8(ascii: "T"), p[i + 4] == UInt8(ascii: "P"),
              p[i + 5] == UInt8(ascii: "/"), p[i + 6] == UInt8(ascii: "1"), p[i + 7] == UInt8(ascii: "."),
              p[i + 8] == UInt8(ascii: "1") || p[i + 8] == UInt8(ascii: "0"), p[i + 9] == cr, p[i + 10] == lf else { return .unsupported }
        let version: HTTPVersion = p[i + 8] == UInt8(ascii: "1") ? .http1_1 : .http1_0
        i += 11

        var fields: [(String, String)] = []
        fields.reserveCapacity(8)
        let maxLine = limits.maxHeaderFieldBytes / 2, maxList = limits.maxHeaderListBytes / 2
        while true {
            guard i + 1 < n else { return .unsupported }
            if p[i] == cr {
                guard p[i + 1] == lf else { return .unsupported }
                i += 2
                break
            }
            let nameStart = i
            while i < n, isTokenByte(p[i]) { i += 1 }
            guard i < n, i > nameStart, p[i] == UInt8(ascii: ":") else { return .unsupported }
            let nameEnd = i
            i += 1
            while i < n, p[i] == sp || p[i] == tab { i += 1 }
            let valueStart = i
            while i < n, (p[i] >= sp && p[i] < 0x7F) || p[i] == tab { i += 1 }
            guard i + 1 < n, p[i] == cr, p[i + 1] == lf else { return .unsupported }
            let valueEnd = i
            if valueEnd > valueStart, p[valueEnd - 1] == sp || p[valueEnd - 1] == tab { return .unsupported }
            i += 2
            // llhttp counts the target and the field lines against its list limit.
            guard i - nameStart <= maxLine, i - targetStart <= maxList, fields.count < limits.maxHeaderCount else { return .unsupported }
            let name = UnsafeRawBufferPointer(rebasing: p[nameStart..<nameEnd])
            if framesABody(name) { return .unsupported }
            fields.append((String(decoding: name, as: UTF8.self),
                           String(decoding: UnsafeRawBufferPointer(rebasing: p[valueStart..<valueEnd]), as: UTF8.self)))
        }
        let uri = String(decoding: UnsafeRawBufferPointer(rebasing: p[targetStart..<targetEnd]), as: UTF8.self)
        return .head(HTTPRequestHead(version: version, method: method, uri: uri, headers: HTTPHeaders(fields)), length: i)
    }

    /// tchar (RFC 9110 §5.6.2): `!#$%&'*+-.^_`|~`, digits and letters.
    @inline(__always)
    static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
             UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// Content-Length, Transfer-Encoding or Upgrade, in any case.
    static func framesABody(_ name: UnsafeRawBufferPointer) -> Bool {
        func equalsLowercased(_ lower: StaticString) -> Bool {
            guard name.count == lower.utf8CodeUnitCount else { return false }
            let l = lower.utf8Start
            for k in 0..<name.count where name[k] | 0x20 != l[k] { return false }
            return true
        }
        switch name.count {
        case 7: return equalsLowercased("upgrade")
        case 14: return equalsLowercased("content-length")
        case 17: return equalsLowercased("transfer-encoding")
        default: return false
        }
    }
}
