internal import Foundation
internal import NIOCore
internal import NIOHTTP1
internal import HTTPSemantics

/// What a request target leads to, as the ``Responder`` needs it.
enum FileState {
    /// A target that cannot name a file under the root (`%00`, `..`).
    case badRequest(reason: String)
    /// A file reached through a symlink out of the root.
    case forbidden(reason: String)
    /// A directory asked for without its trailing slash.
    case redirect(location: String)
    case notFound(NotFoundPage?)
    /// A regular file: its representations, its own bytes first, then each precompressed sibling.
    case file([Representation])
}

/// The policy's not-found page (`404.html`), as it was when looked up.
struct NotFoundPage {
    var source: FileSource
    var size: Int
    var headers: HTTPHeaders
}

/// The file system side of answering a request, for one connection (on its event loop):
/// where a target leads (percent-decoding, the directory index, symlinks), each file's
/// representations with their validators and headers, from the event loop's
/// ``FileStateCache`` while nothing changed.
final class FileLookup {
    let context: ServerContext
    var fileStates: FileStateCache?
    /// The wall-clock second the current request is answered in (see ``enter(_:)``).
    private(set) var requestSecond = 0
    /// The policy's headers per path (glob matching is the costliest part of a small response),
    /// and per set of matching rules (their merging, for a path seen for the first time).
    private var policyHeaderCache: [String: PolicyHeaders] = [:]
    private var policyHeadersByRules: [[Int]: PolicyHeaders] = [:]

    init(context: ServerContext) {
        self.context = context
    }

    func cachedPolicyHeaders(_ path: String) -> PolicyHeaders? { policyHeaderCache[path] }

    func cachedPolicyHeaders(rules: [Int]) -> PolicyHeaders? { policyHeadersByRules[rules] }

    func cachePolicyHeaders(_ headers: PolicyHeaders, for path: String, rules: [Int]? = nil) {
        if policyHeaderCache.count > 256 { policyHeaderCache.removeAll() }
        policyHeaderCache[path] = headers
        if let rules {
            if policyHeadersByRules.count > 64 { policyHeadersByRules.removeAll() }
            policyHeadersByRules[rules] = headers
        }
    }

    /// Starts answering a request in `second`: what the file cache learnt earlier is dropped.
    func enter(_ second: Int) {
        requestSecond = second
        fileStates?.enter(second)
    }

    /// Where `target` (the path part of a request target) leads.
    func state(of target: String, fault: (fault: Fault, serial: Int)?) -> FileState {
        // A target this event loop already followed to a file and its representations, while
        // nothing changed: one lookup.
        if fault == nil, let fileStates {
            if let known = fileStates.representations(forTarget: target) { return .file(known) }
            if let known = fileStates.file(forTarget: target) {
                let state = fileState(relativePath: known.relativePath, fsPath: known.fsPath, stat: known.stat, fault: nil)
                if case .file(let all) = state { fileStates.remember(target: target, representations: all, of: known.fsPath) }
                return state
            }
        }
        let relative: String
        switch context.resolver.decode(target) {
        case .badRequest(let why): return .badRequest(reason: why)
        case .path(let p): relative = p
        }
        var path = relative.hasSuffix("/") ? String(relative.dropLast()) : relative
        let resolved = resolve(path)
        var fsPath = resolved.path
        if resolved.escapes { return .forbidden(reason: "symlink out of the root") }
        guard var st = resolved.stat else { return .notFound(notFoundPage()) }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            if !target.hasSuffix("/") { return .redirect(location: target + "/") }
            var found = false
            for name in context.policy.effectiveDirectoryIndex {
                let candidate = path.isEmpty ? name : path + "/" + name
                let c = resolve(candidate)
                if let ist = c.stat, (ist.st_mode & S_IFMT) == S_IFREG {
                    if c.escapes { return .forbidden(reason: "symlink out of the root") }
                    (path, fsPath, st, found) = (candidate, c.path, ist, true)
                    break
                }
            }
            if !found { return .notFound(notFoundPage()) }
        } else if relative.hasSuffix("/") || (st.st_mode & S_IFMT) != S_IFREG {
            return .notFound(notFoundPage())
        }
        if fault == nil { fileStates?.remember(target: target, relativePath: path, fsPath: fsPath, stat: st) }
        return fileState(relativePath: path, fsPath: fsPath, stat: st, fault: fault)
    }

    private func fileState(relativePath: String, fsPath: String, stat: stat, fault: (fault: Fault, serial: Int)?) -> FileState {
        guard let all = representations(relativePath: relativePath, fsPath: fsPath, stat: stat, fault: fault) else {
            return .notFound(notFoundPage())
        }
        return .file(all)
    }

    /// The path under the root, from the event loop's cache when it can be trusted.
    func resolve(_ relative: String) -> FileStateCache.Resolved {
        fileStates?.resolve(relative, with: context.resolver) ?? context.resolver.resolve(relative)
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

    /// `representation` described afresh from the open file `fd` (in the state `st`), which is no
    /// longer the one it was made from; nil when the file cannot be read.
    func remake(_ representation: Representation, fd: CInt, stat st: stat, fault: (fault: Fault, serial: Int)?) -> Representation? {
        guard let entry = context.hashes.entry(fd: fd, stat: st) else { return nil }
        return makeRepresentation(relativePath: representation.relativePath, coding: representation.coding,
                                  negotiated: representation.negotiated, path: representation.path, stat: st, entry: entry, fault: fault)
    }

    /// The policy's not-found page when it exists (opened to see that it is a regular file).
    func notFoundPage() -> NotFoundPage? {
        guard let page = context.policy.effectiveNotFoundPage else { return nil }
        let (fsPath, escapes) = context.resolver.fileSystemPath(page)
        var st = stat()
        guard !escapes, stat(fsPath, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        var headers = HTTPHeaders()
        for (name, value) in policyHeaders(for: page).all where name.lowercased() != "cache-control" {
            headers.add(name: name, value: value)
        }
        headers.add(name: "Content-Type", value: context.policy.contentType(forPath: page))
        headers.add(name: "Content-Length", value: String(st.st_size))
        headers.add(name: "Cache-Control", value: "no-cache")
        return NotFoundPage(source: FileSource(path: fsPath, key: ContentHashCache.key(st), representation: nil), size: Int(st.st_size), headers: headers)
    }
}
