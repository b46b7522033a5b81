internal import Foundation
internal import NIOConcurrencyHelpers

/// Maps a request target to a file under the root, refusing anything that could escape it.
///
/// The path is percent-decoded once; a decoded NUL, a `..` segment (in any encoding, since
/// decoding happens before the segment check), or a backslash is refused with 400; double
/// encodings (`%252e`) stay literal and simply name no file. A resolved file whose real
/// path leaves the root (a symlink) is refused with 403 unless symlinks are allowed.
struct PathResolver: Sendable {
    let root: String
    let followSymlinksOutOfRoot: Bool

    init(root: String, followSymlinksOutOfRoot: Bool = false) {
        self.root = (root as NSString).resolvingSymlinksInPath.trimmingTrailingSlash()
        self.followSymlinksOutOfRoot = followSymlinksOutOfRoot
    }

    enum Resolution: Equatable {
        /// A path relative to the root, `/`-separated, without leading slash ("" is the root).
        case path(String)
        case badRequest(String)
    }

    /// Decodes and checks the path part of a request target (query stripped by the caller).
    func decode(_ target: String) -> Resolution {
        guard target.hasPrefix("/") else { return .badRequest("request target is not an absolute path") }
        // Fast path for the common case: nothing encoded, no backslash, no dot segment
        // candidates, no empty segments; the slow path below gives the same answer.
        var previous: UInt8 = 0
        var plain = true
        for byte in target.utf8 {
            if byte == UInt8(ascii: "%") || byte == UInt8(ascii: "\\") || byte == 0
                || (previous == UInt8(ascii: "/") && (byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/"))) {
                plain = false
                break
            }
            previous = byte
        }
        if plain { return .path(String(target.dropFirst())) }
        guard let decoded = Self.percentDecode(target) else { return .badRequest("invalid percent-encoding") }
        if decoded.contains(0) { return .badRequest("NUL byte in path") }
        guard let path = String(validating: decoded, as: UTF8.self) else { return .badRequest("path is not UTF-8") }
        if path.contains("\\") { return .badRequest("backslash in path") }
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        if segments.contains(where: { $0 == ".." || $0 == "." }) { return .badRequest("dot segment in path") }
        return .path(segments.joined(separator: "/") + (path.hasSuffix("/") && !segments.isEmpty ? "/" : ""))
    }

    /// The absolute file path for a relative path, and whether its real path leaves the root.
    func fileSystemPath(_ relative: String) -> (path: String, escapes: Bool) {
        let r = resolve(relative)
        return (r.path, r.escapes)
    }

    /// Paths found inside the root, with the identity of the file they named then. A path is
    /// trusted again only while it names the same file (device, inode) unchanged (ctime): a
    /// rename or a new link changes the ctime, so a swapped symlink is checked afresh.
    /// Saves `realpath`'s lstat and readlink of every component on each request. (A file
    /// that was inside the root stays trusted if an operator moves its whole directory out
    /// and symlinks it back, since that changes nothing about the file itself.)
    private let inside = NIOLockedValueBox<[String: ContentHashCache.Key]>([:])

    /// The absolute path, whether its real path leaves the root, and its `stat` (nil when
    /// it does not exist).
    func resolve(_ relative: String) -> (path: String, escapes: Bool, stat: stat?) {
        let full = relative.isEmpty ? root : root + "/" + relative
        var st = stat()
        guard stat(full, &st) == 0 else { return (full, false, nil) }
        guard !followSymlinksOutOfRoot else { return (full, false, st) }
        let key = ContentHashCache.key(st)
        if inside.withLockedValue({ $0[full] }) == key { return (full, false, st) }
        guard let real = realpath(full, nil) else { return (full, false, st) }
        defer { free(real) }
        let resolved = String(cString: real)
        let isInside = resolved == root || resolved.hasPrefix(root + "/")
        if isInside {
            inside.withLockedValue { cache in
                if cache.count > 100_000 { cache.removeAll() }
                cache[full] = key
            }
        }
        return (full, !isInside, st)
    }

    static func percentDecode(_ s: String) -> [UInt8]? {
        var out: [UInt8] = []
        let bytes = Array(s.utf8)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%") {
                guard i + 2 < bytes.count, let hi = hex(bytes[i + 1]), let lo = hex(bytes[i + 2]) else { return nil }
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    static func hex(_ b: UInt8) -> UInt8? {
        switch b {
        case 48...57: return b - 48
        case 65...70: return b - 55
        case 97...102: return b - 87
        default: return nil
        }
    }
}

extension String {
    func trimmingTrailingSlash() -> String {
        var s = self
        while s.count > 1, s.hasSuffix("/") { s.removeLast() }
        return s
    }
}
