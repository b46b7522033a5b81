internal import CrawlModel
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// An HTTP/1.1 response parser (RFC 9112) that counts every byte as it goes: the status line
/// and header block exactly as sent, the body, and the chunked framing around it.
///
/// A pure state machine over bytes: ``feed(_:body:)`` takes what one read returned and hands
/// body bytes to `body` without copying them. It never allocates per body chunk; the head is
/// copied only when it spans reads. Interim (1xx) responses are skipped, their bytes counted.
///
/// Framing follows RFC 9112 §6.3: no body after HEAD, 1xx, 204 and 304; `Transfer-Encoding`
/// ending in `chunked` wins over `Content-Length` (and makes the connection unusable after);
/// a valid `Content-Length` counts the body; otherwise the body lasts until the connection
/// closes. Anything else is ``Malformed``, and the connection must then be closed.
struct HTTP1ResponseParser {
    /// The parsed status line and header fields of the final response.
    struct Head {
        var status: Int
        var version: String
        var headers: [HeaderField]
        /// The first `Content-Type`, `Content-Encoding` and valid `Content-Length` values, noted
        /// while the fields are parsed: the fetcher needs them for every response, and
        /// looking them up again scanned the fields by name.
        var contentType: String? = nil
        var contentEncoding: String? = nil
        var contentLength: Int? = nil
    }

    /// Why a response cannot be parsed; the connection is closed, never reused.
    struct Malformed: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    enum Progress: Equatable {
        /// More bytes are needed.
        case needMore
        /// The final head is parsed (``head``); body bytes start at `consumed`. Feed the rest again.
        case head(consumed: Int)
        /// The response is complete; `leftover` bytes of the read were not part of it.
        case complete(leftover: Int)
    }

    enum State {
        case head
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case untilClose
        case done
    }

    static let maxHeadBytes = 64 * 1024
    static let maxLineBytes = 8 * 1024

    let isHeadRequest: Bool
    private(set) var state: State = .head
    /// Set once the final (non-1xx) head is parsed.
    private(set) var head: Head?
    /// Bytes of every status line and header block received, interim responses included.
    private(set) var headerBytes = 0
    /// Body bytes after removing the chunked framing.
    private(set) var bodyBytes = 0
    /// Bytes of chunk-size lines, chunk CRLFs, the last chunk and trailers.
    private(set) var framingBytes = 0
    /// False when the connection cannot carry another request after this response.
    private(set) var reusable = true
    /// A head that spans reads, or a chunk-size / trailer line that does.
    private var pending: [UInt8] = []
    private var names: HeaderNames

    init(isHeadRequest: Bool = false, names: HeaderNames = HeaderNames()) {
        self.isHeadRequest = isHeadRequest
        self.names = names
    }

    /// The header strings learnt so far, to reuse on the next response of the connection.
    var headerNames: HeaderNames { names }

    /// True when nothing of a response has arrived yet.
    var receivedNothing: Bool { headerBytes == 0 && pending.isEmpty && head == nil }

    /// Whether a connection closing now ends the response normally.
    var closeEndsResponse: Bool {
        if case .untilClose = state { return true }
        return false
    }

    /// Marks a close-delimited response complete (the peer closed the connection).
    mutating func finishAtClose() {
        state = .done
        reusable = false
    }

    /// Feeds one read's bytes; calls `body` with each run of body bytes. Stops after the final
    /// head, so that the caller can decide what to do with the body before it flows.
    mutating func feed(_ bytes: UnsafeRawBufferPointer, body: (UnsafeRawBufferPointer) -> Void) throws(Malformed) -> Progress {
        var i = 0
        let n = bytes.count
        while i < n {
            switch state {
            case .done:
                reusable = false  // bytes after the response: not something to reuse
                return .complete(leftover: n - i)
            case .head:
                guard let consumed = try parseHeadBytes(bytes, from: i) else { return .needMore }
                i = consumed
                if head != nil { return .head(consumed: i) }
            case .fixed(let remaining):
                let take = min(remaining, n - i)
                body(UnsafeRawBufferPointer(rebasing: bytes[i..<(i + take)]))
                bodyBytes += take
                i += take
                state = take == remaining ? .done : .fixed(remaining: remaining - take)
            case .chunkData(let remaining):
                let take = min(remaining, n - i)
                body(UnsafeRawBufferPointer(rebasing: bytes[i..<(i + take)]))
                bodyBytes += take
                i += take
                state = take == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - take)
            case .untilClose:
                body(UnsafeRawBufferPointer(rebasing: bytes[i..<n]))
                bodyBytes += n - i
                i = n
            case .chunkSize, .chunkDataEnd, .trailers:
                guard let taken = try takeLine(bytes, from: i) else { return .needMore }
                framingBytes += taken.next - i
                i = taken.next
                try framingLine(taken.line)
            }
        }
        if case .done = state { return .complete(leftover: 0) }
        return .needMore
    }

    /// One CRLF-terminated line of chunked framing (size line, the CRLF after data, a trailer).
    private mutating func framingLine(_ line: [UInt8]) throws(Malformed) {
        switch state {
        case .chunkDataEnd:
            guard line.isEmpty else { throw Malformed("chunk data longer than its size") }
            state = .chunkSize
        case .chunkSize:
            var size = 0, digits = 0
            for byte in line {
                guard let value = Self.hexValue(byte) else {
                    if byte == UInt8(ascii: ";") || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { break }
                    throw Malformed("bad chunk size")
                }
                digits += 1
                guard digits <= 15 else { throw Malformed("chunk size too large") }
                size = size << 4 | Int(value)
            }
            guard digits > 0 else { throw Malformed("bad chunk size") }
            state = size == 0 ? .trailers : .chunkData(remaining: size)
        case .trailers:
            if line.isEmpty { state = .done }
        default:
            break
        }
    }

    /// The next line (without its CRLF or LF) and the index after it, or nil when incomplete.
    private mutating func takeLine(_ bytes: UnsafeRawBufferPointer, from start: Int) throws(Malformed) -> (line: [UInt8], next: Int)? {
        guard let lf = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else {
            pending.append(contentsOf: bytes[start...])
            guard pending.count <= Self.maxLineBytes else { throw Malformed("chunk framing line too long") }
            framingBytes += bytes.count - start
            return nil
        }
        var line = pending
        pending = []
        line.append(contentsOf: bytes[start..<lf])
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        return (line, lf + 1)
    }

    /// Finds the end of the head from `start`; parses it when complete and returns the index
    /// after it. Without the end, keeps the bytes and returns nil.
    private mutating func parseHeadBytes(_ bytes: UnsafeRawBufferPointer, from start: Int) throws(Malformed) -> Int? {
        // The end of the head is a line feed followed by an empty line (CRLF or LF).
        let carried = pending.count
        var end: Int?
        var i = start
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\n") {
                let prev1 = previousByte(bytes, i, 1, from: start)
                let prev2 = previousByte(bytes, i, 2, from: start)
                if prev1 == UInt8(ascii: "\n") || (prev1 == UInt8(ascii: "\r") && prev2 == UInt8(ascii: "\n")) {
                    end = i + 1
                    break
                }
            }
            i += 1
        }
        guard let end else {
            pending.append(contentsOf: bytes[start...])
            guard pending.count <= Self.maxHeadBytes else { throw Malformed("response head larger than 64 KiB") }
            return nil
        }
        let length = carried + end - start
        guard length <= Self.maxHeadBytes else { throw Malformed("response head larger than 64 KiB") }
        if carried == 0 {
            try parseHead(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
        } else {
            pending.append(contentsOf: bytes[start..<end])
            let whole = pending
            pending = []
            var failure: Malformed?
            whole.withUnsafeBytes { b in
                do throws(Malformed) { try parseHead(b) } catch { failure = error }
            }
            if let failure { throw failure }
        }
        headerBytes += length
        return end
    }

    /// The byte `back` places before `index`, looking into carried bytes across reads.
    private func previousByte(_ bytes: UnsafeRawBufferPointer, _ index: Int, _ back: Int, from start: Int) -> UInt8? {
        let j = index - back
        if j >= start { return bytes[j] }
        let k = pending.count + (j - start)
        return k >= 0 ? pending[k] : nil
    }

    /// Parses one complete head (status line, fields, empty line) and sets the body framing.
    private mutating func parseHead(_ head: UnsafeRawBufferPointer) throws(Malformed) {
        var lines = HeadLines(head)
        guard let statusLine = lines.next() else { throw Malformed("empty response head") }
        // HTTP/x.y SP 3DIGIT [SP reason]
        guard statusLine.count >= 12, statusLine.starts(with: "HTTP/".utf8), statusLine[6] == UInt8(ascii: "."),
              let major = Self.digit(statusLine[5]), let minor = Self.digit(statusLine[7]), statusLine[8] == UInt8(ascii: " "),
              let s1 = Self.digit(statusLine[9]), let s2 = Self.digit(statusLine[10]), let s3 = Self.digit(statusLine[11]),
              statusLine.count == 12 || statusLine[12] == UInt8(ascii: " ")
        else { throw Malformed("not an HTTP/1.x status line") }
        let status = s1 * 100 + s2 * 10 + s3
        guard major == 1, status >= 100 else { throw Malformed("not an HTTP/1.x status line") }

        var headers: [HeaderField] = []
        headers.reserveCapacity(12)
        var contentLength: Int?
        var contentType: String?, contentEncoding: String?
        var chunked = false, transferEncoding = false, close = minor == 0
        while let line = lines.next() {
            if line.isEmpty { break }
            guard line[0] != UInt8(ascii: " "), line[0] != UInt8(ascii: "\t") else { throw Malformed("obsolete line folding in a header") }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else { throw Malformed("header line without a name") }
            let name = UnsafeRawBufferPointer(rebasing: line[..<colon])
            guard name.allSatisfy(Self.isToken) else { throw Malformed("invalid header name") }
            var from = colon + 1, to = line.count
            while from < to, line[from] == UInt8(ascii: " ") || line[from] == UInt8(ascii: "\t") { from += 1 }
            while to > from, line[to - 1] == UInt8(ascii: " ") || line[to - 1] == UInt8(ascii: "\t") { to -= 1 }
            let value = UnsafeRawBufferPointer(rebasing: line[from..<to])
            let field = names.field(name: name, value: value)
            switch field.known {
            case .contentLength:
                for part in value.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
                    guard let length = Self.decimal(part.trimmingOWS) else { throw Malformed("invalid Content-Length") }
                    if let contentLength, contentLength != length { throw Malformed("conflicting Content-Length values") }
                    contentLength = length
                }
            case .transferEncoding:
                transferEncoding = true
                chunked = Self.lastCodingIsChunked(value)
            case .connection:
                if Self.containsToken(value, "close") { close = true }
            case .contentType:
                if contentType == nil { contentType = field.header.value }
            case .contentEncoding:
                if contentEncoding == nil { contentEncoding = field.header.value }
            default:
                break
            }
            headers.append(field.header)
        }
        if status < 200 {  // interim response: skip it, the final one follows
            if status == 101 { throw Malformed("101 Switching Protocols without an Upgrade request") }
            return
        }
        self.head = Head(status: status, version: minor == 1 ? "HTTP/1.1" : "HTTP/1.\(minor)", headers: headers,
                         contentType: contentType, contentEncoding: contentEncoding, contentLength: contentLength)
        if close { reusable = false }
        if isHeadRequest || status == 204 || status == 304 {
            state = .done
            // A 204/304 has no body (RFC 9112 §6.3), yet a server that frames one may send it:
            // its bytes would be read as the next response on this connection. Not reused.
            if !isHeadRequest, transferEncoding || (contentLength ?? 0) > 0 { reusable = false }
        } else if transferEncoding {
            if contentLength != nil { reusable = false }  // RFC 9112 §6.3: possible smuggling
            if chunked { state = .chunkSize } else { state = .untilClose; reusable = false }
        } else if let contentLength {
            state = contentLength == 0 ? .done : .fixed(remaining: contentLength)
        } else {
            state = .untilClose
            reusable = false
        }
    }

    static func digit(_ b: UInt8) -> Int? { b >= 0x30 && b <= 0x39 ? Int(b - 0x30) : nil }

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x37
        case 0x61...0x66: return b - 0x57
        default: return nil
        }
    }

    static func decimal(_ bytes: some Collection<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value = 0
        for b in bytes {
            guard let d = digit(b) else { return nil }
            value = value * 10 + d
        }
        return value
    }

    /// RFC 9110 §5.6.2 token characters.
    static func isToken(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return "!#$%&'*+-.^_`|~".utf8.contains(b)
        }
    }

    static func lastCodingIsChunked(_ value: UnsafeRawBufferPointer) -> Bool {
        guard let last = value.split(separator: UInt8(ascii: ",")).last else { return false }
        return Self.equalsIgnoringCase(last.trimmingOWS, "chunked")
    }

    static func containsToken(_ value: UnsafeRawBufferPointer, _ token: StaticString) -> Bool {
        value.split(separator: UInt8(ascii: ",")).contains { equalsIgnoringCase($0.trimmingOWS, token) }
    }

    static func equalsIgnoringCase(_ bytes: some Collection<UInt8>, _ text: StaticString) -> Bool {
        guard bytes.count == text.utf8CodeUnitCount else { return false }
        return text.withUTF8Buffer { t in zip(bytes, t).allSatisfy { $0 | 0x20 == $1 | 0x20 } }
    }
}

extension Collection where Element == UInt8, SubSequence: BidirectionalCollection {
    /// Without leading and trailing spaces and tabs.
    var trimmingOWS: SubSequence {
        let isOWS = { (b: UInt8) in b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") }
        var s = self[...]
        while let f = s.first, isOWS(f) { s = s.dropFirst() }
        while let l = s.last, isOWS(l) { s = s.dropLast() }
        return s
    }
}

/// The lines of a complete head, each without its CRLF (or bare LF).
struct HeadLines {
    let bytes: UnsafeRawBufferPointer
    var index = 0
    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    mutating func next() -> UnsafeRawBufferPointer? {
        guard index < bytes.count else { return nil }
        // memchr, not a generic firstIndex over the slice: every header line of every response.
        let lf = memchr(bytes.baseAddress! + index, 0x0A, bytes.count - index)
            .map { UnsafeRawPointer($0) - bytes.baseAddress! } ?? bytes.count
        var end = lf
        if end > index, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        defer { index = lf + 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[index..<end])
    }
}
