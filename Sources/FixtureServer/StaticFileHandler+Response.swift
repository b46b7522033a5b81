internal import Foundation
internal import Logging
internal import NIOCore
internal import NIOHTTP1

/// A response ready to write: status, headers and where the body comes from.
struct Response {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: Body = .none
    /// Set when `headers` are the representation's own for this status (200 or 304), which
    /// it keeps as bytes.
    var representation: Representation?

    enum Body {
        case none
        case bytes(ByteBuffer)
        /// Pieces of an open file and literal bytes between them (multipart part headers);
        /// without a handle, every piece is bytes (a small file served from memory).
        case file(NIOFileHandle?, [BodyPiece])
    }

    func bodyLength(isHead: Bool) -> Int {
        if isHead { return 0 }
        switch body {
        case .none: return 0
        case .bytes(let b): return b.readableBytes
        case .file(_, let pieces): return pieces.reduce(0) { $0 + $1.length }
        }
    }
}

/// One way of sending a file (its own bytes or a precompressed sibling's) and everything
/// about its responses that does not depend on the request. Used on one event loop only.
final class Representation {
    /// nil for the file's own bytes.
    let coding: ContentCoding?
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

    init(path: String, key: ContentHashCache.Key, size: Int, bytes: ByteBuffer?, etag: EntityTag?, lastModified: Int?,
         contentType: String, coding: ContentCoding?, headers: HTTPHeaders, okHeaders: HTTPHeaders, notModifiedHeaders: HTTPHeaders) {
        (self.path, self.key, self.size, self.bytes, self.etag, self.lastModified) = (path, key, size, bytes, etag, lastModified)
        (self.contentType, self.coding, self.headers, self.okHeaders, self.notModifiedHeaders) = (contentType, coding, headers, okHeaders, notModifiedHeaders)
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

extension StaticFileHandler {
    /// The headers a 304 carries (RFC 9110 §15.4.5): those a cache needs to update its stored
    /// response, as the 200 would have had them. Last-Modified only when there is no ETag.
    static let notModifiedHeaders: Set<String> = ["etag", "cache-control", "expires", "vary", "content-location"]

    func makeResponse(_ head: HTTPRequestHead, fields: RequestFields, target: String,
                      fault: (fault: Fault, serial: Int)?, allocator: ByteBufferAllocator) -> Response {
        guard head.method == .GET || head.method == .HEAD else {
            var r = errorResponse(.methodNotAllowed, allocator: allocator)
            r.headers.add(name: "Allow", value: "GET, HEAD")
            return r
        }
        if let fault, let status = fault.fault.status {
            return faultStatusResponse(fault.fault, status: status, allocator: allocator)
        }
        // A target this event loop already followed to a file, while nothing changed.
        if fault == nil, let known = fileStates?.file(forTarget: target) {
            return fileResponse(head: head, fields: fields, relativePath: known.relativePath, fsPath: known.fsPath, stat: known.stat,
                                fault: nil, allocator: allocator) ?? notFound(head, allocator: allocator)
        }
        let relative: String
        switch context.resolver.decode(target) {
        case .badRequest(let why):
            context.logger.notice("refused \(head.method.rawValue) \(head.uri.prefix(200)): 400, \(why)")
            return errorResponse(.badRequest, allocator: allocator)
        case .path(let p):
            relative = p
        }
        var path = relative.hasSuffix("/") ? String(relative.dropLast()) : relative
        let resolved = resolve(path)
        var fsPath = resolved.path
        if resolved.escapes {
            context.logger.notice("refused \(head.method.rawValue) \(head.uri.prefix(200)): 403, symlink out of the root")
            return errorResponse(.forbidden, allocator: allocator)
        }
        guard var st = resolved.stat else { return notFound(head, allocator: allocator) }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            if !target.hasSuffix("/") {
                var r = Response(status: .movedPermanently, headers: ["Location": target + "/", "Content-Length": "0"])
                r.headers.add(name: "Cache-Control", value: "no-cache")
                return r
            }
            var found = false
            for name in context.policy.effectiveDirectoryIndex {
                let candidate = path.isEmpty ? name : path + "/" + name
                let c = resolve(candidate)
                if let ist = c.stat, (ist.st_mode & S_IFMT) == S_IFREG {
                    if c.escapes {
                        context.logger.notice("refused \(head.method.rawValue) \(head.uri.prefix(200)): 403, symlink out of the root")
                        return errorResponse(.forbidden, allocator: allocator)
                    }
                    (path, fsPath, st, found) = (candidate, c.path, ist, true)
                    break
                }
            }
            if !found { return notFound(head, allocator: allocator) }
        } else if relative.hasSuffix("/") || (st.st_mode & S_IFMT) != S_IFREG {
            return notFound(head, allocator: allocator)
        }
        if fault == nil { fileStates?.remember(target: target, relativePath: path, fsPath: fsPath, stat: st) }
        return fileResponse(head: head, fields: fields, relativePath: path, fsPath: fsPath, stat: st, fault: fault, allocator: allocator)
            ?? notFound(head, allocator: allocator)
    }

    /// The precompressed siblings of a file that exist, are regular files and stay inside the
    /// root. Looked for on each miss of the representation cache (on every request without
    /// inotify): two `stat`s.
    func siblings(of relativePath: String) -> [(coding: ContentCoding, path: String, stat: stat)] {
        ContentCoding.allCases.compactMap { coding in
            let r = resolve(relativePath + coding.fileSuffix)
            guard let st = r.stat, (st.st_mode & S_IFMT) == S_IFREG, !r.escapes else { return nil }
            return (coding, r.path, st)
        }
    }

    /// The file's representations, its own bytes first, then each precompressed sibling: from
    /// the event loop's cache when nothing changed and no fault applies, else made afresh.
    func representations(relativePath: String, fsPath: String, stat: stat, fault: (fault: Fault, serial: Int)?) -> [Representation]? {
        func make() -> [Representation]? {
            // A fault's lying Content-Encoding must describe the plain bytes, so it turns
            // negotiation off.
            let siblings = fault?.fault.contentEncoding == nil ? siblings(of: relativePath) : []
            var result: [Representation] = []
            for (coding, path, st) in [(nil, fsPath, stat)] + siblings.map({ (Optional($0.coding), $0.path, $0.stat) }) {
                guard let entry = hashEntry(path: path, stat: st) else {
                    if coding == nil { return nil } else { continue }
                }
                result.append(makeRepresentation(relativePath: relativePath, coding: coding, negotiated: !siblings.isEmpty,
                                                 path: path, stat: st, entry: entry, fault: fault))
            }
            return result
        }
        if fault == nil, let fileStates {
            return fileStates.representations(of: fsPath, root: context.resolver.root, make: make)
        }
        return make()
    }

    /// The content hash (and the bytes of a small file) for a file in the state `st` describes.
    func hashEntry(path: String, stat st: stat) -> ContentHashCache.Entry? {
        if let hit = context.hashes.lookup(st) { return hit }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var now = stat()
        guard fstat(fd, &now) == 0, (now.st_mode & S_IFMT) == S_IFREG, ContentHashCache.key(now) == ContentHashCache.key(st) else { return nil }
        return context.hashes.entry(fd: fd, stat: now)
    }

    /// Everything about a representation's responses that does not depend on the request.
    func makeRepresentation(relativePath: String, coding: ContentCoding?, negotiated: Bool, path: String, stat st: stat,
                            entry: ContentHashCache.Entry, fault active: (fault: Fault, serial: Int)?) -> Representation {
        let fault = active?.fault
        let hash = entry.hash
        let now = requestSecond
        // Validators: a strong ETag from the served bytes (so each encoding has its own) and
        // Last-Modified from their mtime, never later than Date; unless a fault says otherwise.
        var etag: EntityTag? = EntityTag(opaque: hash)
        var lastModified: Int? = min(st.st_mtim.tv_sec, now)
        switch fault?.validators {
        case .none?: etag = nil; lastModified = nil
        case .weak?: etag = EntityTag(opaque: hash, weak: true); lastModified = nil
        case .changing?: etag = EntityTag(opaque: "\(hash)-\(active?.serial ?? 0)")
        case .lastModifiedOnly?: etag = nil
        case .etagOnly?: lastModified = nil
        case nil: break
        }

        // Headers in a fixed order: validators, the policy's, Vary.
        let policyHeaders = policyHeaders(for: relativePath)
        let etagText = etag.map { $0 == EntityTag(opaque: hash) ? entry.quotedHash : $0.description }
        let lastModifiedText = lastModified.map { $0 == st.st_mtim.tv_sec ? entry.lastModified : HTTPDate.format($0) }
        var vary = policyHeaders.vary
        // Vary whenever the encoding is negotiated, whichever was chosen (RFC 9110 §12.5.5).
        if negotiated, policyHeaders.varyAcceptEncoding { vary = vary.map { $0 + ", Accept-Encoding" } ?? "Accept-Encoding" }
        var headers = HTTPHeaders()
        headers.reserveCapacity(policyHeaders.all.count + 9)
        if let etagText { headers.add(name: "ETag", value: etagText) }
        if let lastModifiedText { headers.add(name: "Last-Modified", value: lastModifiedText) }
        headers.add(contentsOf: policyHeaders.all)
        if let vary { headers.add(name: "Vary", value: vary) }

        // A 304 carries only what a cache needs to update its stored response (§15.4.5);
        // Last-Modified only when there is no ETag.
        var notModified = HTTPHeaders()
        if fault?.drop304Headers != true {
            if let etagText { notModified.add(name: "ETag", value: etagText) }
            notModified.add(contentsOf: policyHeaders.notModified)
            if let vary { notModified.add(name: "Vary", value: vary) }
        }
        if etag == nil, let lastModifiedText { notModified.add(name: "Last-Modified", value: lastModifiedText) }

        let size = Int(st.st_size)
        let contentType = context.policy.contentType(forPath: relativePath)
        headers.add(name: "Accept-Ranges", value: "bytes")
        if let coding { headers.add(name: "Content-Encoding", value: coding.rawValue) }
        if let encoding = fault?.contentEncoding { headers.add(name: "Content-Encoding", value: encoding) }
        var ok = headers
        ok.add(name: "Content-Type", value: contentType)
        ok.add(name: "Content-Length", value: String(max(0, size + (fault?.contentLengthDelta ?? 0))))
        return Representation(
            path: path, key: ContentHashCache.key(st), size: size, bytes: entry.bytes, etag: etag, lastModified: lastModified,
            contentType: contentType, coding: coding, headers: headers, okHeaders: ok, notModifiedHeaders: notModified
        )
    }

    func fileResponse(head: HTTPRequestHead, fields: RequestFields, relativePath: String, fsPath: String, stat fileStat: stat,
                      fault active: (fault: Fault, serial: Int)?, allocator: ByteBufferAllocator) -> Response? {
        let fault = active?.fault
        guard let all = representations(relativePath: relativePath, fsPath: fsPath, stat: fileStat, fault: active) else { return nil }
        // Content negotiation: a precompressed sibling for clients that accept it.
        var index = 0
        if all.count > 1, let coding = ContentCoding.negotiate(fields.acceptEncoding, available: all.dropFirst().compactMap(\.coding)) {
            index = all.firstIndex { $0.coding == coding } ?? 0
        }
        var representation = all[index]
        let ranges = head.method == .GET ? fields.range : []
        var preconditions = Preconditions()
        if fault?.ignoreConditionals != true {
            preconditions.ifMatch = fields.ifMatch
            preconditions.ifUnmodifiedSince = fields.ifUnmodifiedSince
            preconditions.ifNoneMatch = fields.ifNoneMatch
            preconditions.ifModifiedSince = fields.ifModifiedSince
            preconditions.ifRange = fields.ifRange
        }
        preconditions.hasRange = !ranges.isEmpty
        var outcome = preconditions.evaluate(method: head.method.rawValue, etag: representation.etag, lastModified: representation.lastModified)

        // A body that is not in memory comes from the file, opened only now (a 304, a 412 or
        // a HEAD needs no descriptor), and the open file must still be the one described:
        // else it is described afresh and the preconditions are evaluated again.
        var handle: NIOFileHandle?
        if case .proceed = outcome, head.method == .GET, representation.bytes == nil {
            let fd = open(representation.path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            var st = stat()
            guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
                close(fd)
                return nil
            }
            if ContentHashCache.key(st) != representation.key {
                guard let entry = context.hashes.entry(fd: fd, stat: st) else {
                    close(fd)
                    return nil
                }
                representation = makeRepresentation(relativePath: relativePath, coding: representation.coding, negotiated: all.count > 1,
                                                    path: representation.path, stat: st, entry: entry, fault: active)
                outcome = preconditions.evaluate(method: head.method.rawValue, etag: representation.etag, lastModified: representation.lastModified)
            }
            handle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: fd)
        }
        /// A piece of the body: a slice of the bytes in memory, or a region of the open file.
        func piece(_ offset: Int, _ length: Int) -> BodyPiece {
            if let bytes = representation.bytes { return .bytes(bytes.getSlice(at: bytes.readerIndex + offset, length: length) ?? ByteBuffer()) }
            return .file(offset: offset, length: length)
        }
        func closeHandle() { try? handle?.close() }
        let size = representation.size
        var headers = representation.headers

        let honourRange: Bool
        switch outcome {
        case .notModified:
            closeHandle()
            return Response(status: .notModified, headers: representation.notModifiedHeaders, representation: representation)
        case .preconditionFailed:
            closeHandle()
            var r = errorResponse(.preconditionFailed, allocator: allocator)
            for (name, value) in headers where name.lowercased() != "accept-ranges" && name.lowercased() != "content-encoding" {
                r.headers.add(name: name, value: value)
            }
            return r
        case .proceed(let honour):
            honourRange = honour
        }

        // Ranges (RFC 9110 §14): GET only, after the preconditions, over the served (encoded) bytes.
        if honourRange, !ranges.isEmpty, !(fault?.altersBody ?? false) {
            switch ByteRanges.evaluate(ranges.joined(separator: ","), length: size) {
            case .ignore:
                break
            case .unsatisfiable(let reason):
                closeHandle()
                context.logger.debug("416 for \(head.uri.prefix(200)): \(reason)")
                var r = errorResponse(.rangeNotSatisfiable, allocator: allocator)
                r.headers.add(name: "Content-Range", value: "bytes */\(size)")
                for (name, value) in headers where name.lowercased() != "accept-ranges" { r.headers.replaceOrAdd(name: name, value: value) }
                r.headers.remove(name: "Content-Encoding")
                return r
            case .partial(let parts) where parts.count == 1:
                let r = parts[0]
                headers.add(name: "Content-Type", value: representation.contentType)
                headers.add(name: "Content-Range", value: "bytes \(r.lowerBound)-\(r.upperBound)/\(size)")
                headers.add(name: "Content-Length", value: String(r.count))
                return Response(status: .partialContent, headers: headers, body: .file(handle, [piece(r.lowerBound, r.count)]))
            case .partial(let parts):
                let boundary = String(UInt64.random(in: 1 ... .max), radix: 16).leftPadded(to: 16)
                var pieces: [BodyPiece] = []
                for (i, r) in parts.enumerated() {
                    let partHead = "\(i == 0 ? "" : "\r\n")--\(boundary)\r\nContent-Type: \(representation.contentType)\r\nContent-Range: bytes \(r.lowerBound)-\(r.upperBound)/\(size)\r\n\r\n"
                    pieces.append(.bytes(allocator.buffer(string: partHead)))
                    pieces.append(piece(r.lowerBound, r.count))
                }
                pieces.append(.bytes(allocator.buffer(string: "\r\n--\(boundary)--\r\n")))
                headers.add(name: "Content-Type", value: "multipart/byteranges; boundary=\(boundary)")
                headers.add(name: "Content-Length", value: String(pieces.reduce(0) { $0 + $1.length }))
                return Response(status: .partialContent, headers: headers, body: .file(handle, pieces))
            }
        }
        return Response(status: .ok, headers: representation.okHeaders, body: .file(handle, [piece(0, size)]), representation: representation)
    }

    /// A fixed status from a fault: a redirect when it has a location, else a short body.
    func faultStatusResponse(_ fault: Fault, status code: Int, allocator: ByteBufferAllocator) -> Response {
        let status = HTTPResponseStatus(statusCode: code)
        if let location = fault.location {
            return Response(status: status, headers: ["Location": location, "Content-Length": "0", "Cache-Control": "no-store"])
        }
        if code == 204 || code == 304 || (100..<200).contains(code) {
            return Response(status: status, headers: [:])
        }
        var r = errorResponse(status, allocator: allocator)
        if let retryAfter = fault.retryAfter { r.headers.add(name: "Retry-After", value: String(retryAfter)) }
        return r
    }

    /// 404: the policy's not-found page (`404.html`) when it exists, else a short text.
    func notFound(_ head: HTTPRequestHead, allocator: ByteBufferAllocator) -> Response {
        if let page = context.policy.effectiveNotFoundPage {
            let (fsPath, escapes) = context.resolver.fileSystemPath(page)
            let fd = escapes ? -1 : open(fsPath, O_RDONLY | O_CLOEXEC)
            if fd >= 0 {
                var st = stat()
                if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG {
                    var headers = HTTPHeaders()
                    for (name, value) in policyHeaders(for: page).all where name.lowercased() != "cache-control" {
                        headers.add(name: name, value: value)
                    }
                    headers.add(name: "Content-Type", value: context.policy.contentType(forPath: page))
                    headers.add(name: "Content-Length", value: String(st.st_size))
                    headers.add(name: "Cache-Control", value: "no-cache")
                    let handle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: fd)
                    return Response(status: .notFound, headers: headers, body: .file(handle, [.file(offset: 0, length: Int(st.st_size))]))
                }
                close(fd)
            }
        }
        return errorResponse(.notFound, allocator: allocator)
    }

    func errorResponse(_ status: HTTPResponseStatus, allocator: ByteBufferAllocator) -> Response {
        let text = "\(status.code) \(status.reasonPhrase)\n"
        let buffer = allocator.buffer(string: text)
        return Response(status: status, headers: [
            "Content-Type": "text/plain; charset=utf-8", "Content-Length": String(buffer.readableBytes), "Cache-Control": "no-store",
        ], body: .bytes(buffer))
    }
}
