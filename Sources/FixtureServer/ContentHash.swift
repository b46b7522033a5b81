internal import Foundation
internal import NIOConcurrencyHelpers

/// Strong ETags derived from the file's content.
///
/// An ETag is the first 16 hex digits of a 64-bit FNV-1a hash of the bytes, so it changes
/// whenever the content changes, even when size and mtime do not. The cost is one read of
/// the file per change: hashes are cached by (device, inode, size, mtime, ctime) — ctime
/// cannot be set back by a user, so a rewrite that restores mtime still misses the cache.
/// A file is read in 64 KiB chunks; memory does not grow with its size.
final class ContentHashCache: Sendable {
    struct Key: Hashable {
        var device: UInt64, inode: UInt64, size: Int64
        var mtimeSec: Int, mtimeNsec: Int, ctimeSec: Int, ctimeNsec: Int
    }

    private let cache = NIOLockedValueBox<[Key: String]>([:])

    static func key(_ st: stat) -> Key {
        Key(device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
            mtimeSec: st.st_mtim.tv_sec, mtimeNsec: st.st_mtim.tv_nsec, ctimeSec: st.st_ctim.tv_sec, ctimeNsec: st.st_ctim.tv_nsec)
    }

    /// The hash of an open file, from the cache or by reading it.
    func hash(fd: Int32, stat st: stat) -> String? {
        let key = Self.key(st)
        if let hit = cache.withLockedValue({ $0[key] }) { return hit }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var offset: off_t = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            if n < 0 { return nil }
            if n == 0 { break }
            for i in 0..<n {
                h ^= UInt64(buffer[i])
                h &*= 0x0000_0100_0000_01B3
            }
            offset += off_t(n)
        }
        let value = String(h, radix: 16).leftPadded(to: 16)
        cache.withLockedValue { cache in
            if cache.count > 100_000 { cache.removeAll() }
            cache[key] = value
        }
        return value
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
