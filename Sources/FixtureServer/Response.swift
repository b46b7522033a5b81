internal import Logging
internal import NIOCore
internal import NIOHTTP1

/// A response as the ``Responder`` describes it: status, headers and where the body comes
/// from. It names the file a body is read from; the handler opens it when it sends the body.
struct Response {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: Body = .none
    /// Set when `headers` are the representation's own for this status (200 or 304), which
    /// it keeps as bytes.
    var representation: Representation?
    /// A line for the server's log about why this response was given.
    var note: (level: Logger.Level, text: String)?

    enum Body {
        case none
        case bytes(ByteBuffer)
        /// Pieces of a file and literal bytes between them (multipart part headers). `file` is
        /// where the file pieces are read from; nil when every piece is bytes (a small file
        /// served from memory).
        case pieces([BodyPiece], file: FileSource?)
    }

    func bodyLength(isHead: Bool) -> Int {
        if isHead { return 0 }
        switch body {
        case .none: return 0
        case .bytes(let b): return b.readableBytes
        case .pieces(let pieces, _): return pieces.reduce(0) { $0 + $1.length }
        }
    }

    /// The file the body is read from, if it is read from one.
    var fileSource: FileSource? {
        if case .pieces(_, let file?) = body { return file }
        return nil
    }
}

/// The file a body's pieces are read from, in the state its response was made for.
struct FileSource {
    var path: String
    var key: ContentHashCache.Key
    /// The representation the response was made from (nil for the 404 page).
    var representation: Representation?
}

enum BodyPiece {
    case bytes(ByteBuffer)
    case file(offset: Int, length: Int)

    var length: Int {
        switch self {
        case .bytes(let b): return b.readableBytes
        case .file(_, let length): return length
        }
    }
}
