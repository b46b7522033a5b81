internal import NIOCore
internal import NIOHTTP1
internal import HTTPSemantics

/// One way of sending a file (its own bytes or a precompressed sibling's) and everything
/// about its responses that does not depend on the request. Made by ``FileLookup``; used on
/// one event loop only.
final class Representation {
    /// The file's path under the root (the one asked for, not the sibling's).
    let relativePath: String
    /// nil for the file's own bytes.
    let coding: ContentCoding?
    /// Whether the file has precompressed siblings, so its encoding is negotiated.
    let negotiated: Bool
    /// The file whose bytes are sent, and the state (`stat`) this was made from.
    let path: String
    let key: ContentHashCache.Key
    let size: Int
    /// The whole content of a small file.
    let bytes: ByteBuffer?
    let etag: EntityTag?
    let lastModified: Int?
    let contentType: String
    /// Validators, the policy's headers, Vary, Accept-Ranges, Content-Encoding: the base of
    /// 206, 412 and 416 responses.
    let headers: HTTPHeaders
    /// A 200's headers: `headers` with Content-Type and Content-Length.
    let okHeaders: HTTPHeaders
    /// A 304's headers.
    let notModifiedHeaders: HTTPHeaders
    /// `okHeaders` and `notModifiedHeaders` as HTTP/1.x header lines.
    let encodedOK: ByteBuffer
    let encodedNotModified: ByteBuffer
    /// Whole heads of keep-alive HTTP/1.1 200 and 304 responses, Date included, for the second
    /// they were made in: a repeated response is one shared buffer, not built again.
    private var heads: (second: Int, ok: ByteBuffer?, notModified: ByteBuffer?) = (-1, nil, nil)
    /// The file, open, that bodies are sent from while the event loop's cache trusts this
    /// representation (set by ``FileLookup/openBody(of:source:head:fields:fault:shared:)``);
    /// closed once the cache has dropped the representation and no response uses it.
    var openFile: OpenFile?

    init(relativePath: String, coding: ContentCoding?, negotiated: Bool, path: String, key: ContentHashCache.Key, size: Int,
         bytes: ByteBuffer?, etag: EntityTag?, lastModified: Int?, contentType: String,
         headers: HTTPHeaders, okHeaders: HTTPHeaders, notModifiedHeaders: HTTPHeaders) {
        (self.relativePath, self.coding, self.negotiated, self.path, self.key, self.size) = (relativePath, coding, negotiated, path, key, size)
        (self.bytes, self.etag, self.lastModified, self.contentType) = (bytes, etag, lastModified, contentType)
        (self.headers, self.okHeaders, self.notModifiedHeaders) = (headers, okHeaders, notModifiedHeaders)
        var ok = ByteBuffer()
        ok.writeHTTP1HeaderLines(okHeaders)
        encodedOK = ok
        var notModified = ByteBuffer()
        notModified.writeHTTP1HeaderLines(notModifiedHeaders)
        encodedNotModified = notModified
    }

    /// The header lines of a 200 or a 304.
    func encodedHeaders(for status: HTTPResponseStatus) -> ByteBuffer {
        status == .notModified ? encodedNotModified : encodedOK
    }

    /// The whole head of a keep-alive HTTP/1.1 200 or 304 sent in `second`.
    func http11Head(_ status: HTTPResponseStatus, second: Int, date: String) -> ByteBuffer {
        if heads.second != second { heads = (second, nil, nil) }
        if let cached = status == .notModified ? heads.notModified : heads.ok { return cached }
        var head = ByteBuffer()
        head.reserveCapacity(64 + encodedHeaders(for: status).readableBytes)
        head.writeHTTP1StatusLine(version: .http1_1, status: status)
        head.writeImmutableBuffer(encodedHeaders(for: status))
        head.writeHTTP1DateAndEnd(date, keepAlive: true)
        if status == .notModified { heads.notModified = head } else { heads.ok = head }
        return head
    }

    /// A piece of the body: a slice of the bytes in memory, or a region of the file.
    func piece(_ offset: Int, _ length: Int) -> BodyPiece {
        if let bytes { return .bytes(bytes.getSlice(at: bytes.readerIndex + offset, length: length) ?? ByteBuffer()) }
        return .file(offset: offset, length: length)
    }

    /// Where the body's file pieces are read from: nil when the bytes are in memory.
    var fileSource: FileSource? {
        bytes == nil ? FileSource(path: path, key: key, representation: self) : nil
    }
}
