internal import Foundation
internal import NIOConcurrencyHelpers
internal import NIOCore
internal import HTTPSemantics

/// Strong ETags derived from the file's content, and the bytes of small files.
///
/// An ETag is the first 16 hex digits of a 64-bit FNV-1a hash of the bytes, so it changes
/// whenever the content changes, even when size and mtime do not. The cost is one read of
/// the file per change: hashes are cached by (device, inode, size, mtime, ctime) — ctime
/// cannot be set back by a user, so a rewrite that restores mtime still misses the cache.
/// A file is read in 64 KiB chunks; memory does not grow with its size.
///
/// Files of at most ``smallFileLimit`` bytes are read whole by the hash anyway, so their bytes
/// are kept too (at most ``totalBytesLimit`` in all): a request for one is answered from
/// memory, head and body in one write, without opening the file. The key is the same, so the
/// bytes are never staler than the ETag.
final class ContentHashCache: Sendable {
    struct Key: Hashable {
        var device: UInt64, inode: UInt64, size: Int64
        var mtimeSec: Int, mtimeNsec: Int, ctimeSec: Int, ctimeNsec: Int
    }

    struct Entry: Sendable {
        var hash: String
        /// `"hash"`, the ETag header value.
        var quotedHash: String
        /// The file's mtime as an HTTP date.
        var lastModified: String
        /// The whole content, for small files.
        var bytes: ByteBuffer?
    }

    static let smallFileLimit = 64 * 1024
    /// `crawl --serve` of Benchmarks/crawl.sh's generated site (20,000 small files, 119 MB)
    /// peaked at 161 MB RSS when this was 64 MiB, 124 MB at 16 MiB: a crawl asks for each file
    /// once or twice, so a larger store only holds bytes nobody asks for again.
    static let totalBytesLimit = 16 * 1024 * 1024

    private struct State {
        var entries: [Key: Entry] = [:]
        var bytes = 0
    }

    private let state = NIOLockedValueBox(State())

    static func key(_ st: stat) -> Key {
        Key(device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
            mtimeSec: st.st_mtim.tv_sec, mtimeNsec: st.st_mtim.tv_nsec, ctimeSec: st.st_ctim.tv_sec, ctimeNsec: st.st_ctim.tv_nsec)
    }

    /// The cached entry for a file in this state, if any.
    func lookup(_ st: stat) -> Entry? {
        let key = Self.key(st)
        return state.withLockedValue { $0.entries[key] }
    }

    /// The entry of an open file, from the cache or by reading it.
    func entry(fd: Int32, stat st: stat) -> Entry? {
        let key = Self.key(st)
        if let hit = state.withLockedValue({ $0.entries[key] }) { return hit }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var offset: off_t = 0
        let keep = st.st_size <= Self.smallFileLimit
        // Exactly the file's size: grown by appending, the buffer doubled its capacity, up to
        // twice the bytes counted against `totalBytesLimit`.
        var kept = keep ? ByteBufferAllocator().buffer(capacity: Int(st.st_size)) : ByteBuffer()
        while true {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            if n < 0 { return nil }
            if n == 0 { break }
            for i in 0..<n {
                h ^= UInt64(buffer[i])
                h &*= 0x0000_0100_0000_01B3
            }
            if keep { kept.writeBytes(buffer[0..<n]) }
            offset += off_t(n)
        }
        // Keep the bytes only if the file did not change while it was read.
        let hash = String(h, radix: 16).leftPadded(to: 16)
        let entry = Entry(hash: hash, quotedHash: "\"" + hash + "\"", lastModified: HTTPDate.format(st.st_mtim.tv_sec),
                          bytes: keep && offset == st.st_size ? kept : nil)
        state.withLockedValue { state in
            let added = entry.bytes?.readableBytes ?? 0
            if state.entries.count > 100_000 || state.bytes + added > Self.totalBytesLimit {
                state.entries.removeAll()
                state.bytes = 0
            }
            state.entries[key] = entry
            state.bytes += added
        }
        return entry
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
