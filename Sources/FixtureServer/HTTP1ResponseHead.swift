internal import NIOCore
internal import NIOHTTP1

// An HTTP/1.x response head as bytes (RFC 9112 §4, §5). Header values are the server's own or
// the policy's, which is checked once when the server starts.
extension ByteBuffer {
    mutating func writeHTTP1StatusLine(version: HTTPVersion, status: HTTPResponseStatus) {
        if version == .http1_1 {
            switch status {
            case .ok: writeStaticString("HTTP/1.1 200 OK\r\n"); return
            case .notModified: writeStaticString("HTTP/1.1 304 Not Modified\r\n"); return
            case .partialContent: writeStaticString("HTTP/1.1 206 Partial Content\r\n"); return
            case .notFound: writeStaticString("HTTP/1.1 404 Not Found\r\n"); return
            default: writeStaticString("HTTP/1.1 ")
            }
        } else {
            writeString("HTTP/\(version.major).\(version.minor) ")
        }
        writeString("\(status.code) \(status.reasonPhrase)\r\n")
    }

    mutating func writeHTTP1HeaderLines(_ headers: HTTPHeaders) {
        for (name, value) in headers {
            writeString(name)
            writeStaticString(": ")
            writeString(value)
            writeStaticString("\r\n")
        }
    }

    /// The Date line, the Connection line a client needs (`close` when the connection ends
    /// after this response; `keep-alive` to an HTTP/1.0 client that asked to keep it, RFC 9112
    /// appendix C.2.2), and the blank line that ends the head.
    mutating func writeHTTP1DateAndEnd(_ date: String, keepAlive: Bool, version: HTTPVersion = .http1_1) {
        writeStaticString("Date: ")
        writeString(date)
        if !keepAlive {
            writeStaticString("\r\nConnection: close\r\n\r\n")
        } else if version.major == 1, version.minor == 0 {
            writeStaticString("\r\nConnection: keep-alive\r\n\r\n")
        } else {
            writeStaticString("\r\n\r\n")
        }
    }
}
