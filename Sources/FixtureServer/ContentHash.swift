internal import Foundation
internal import NIOConcurrencyHelpers
internal import NIOCore
internal import HTTPSemantics

/// Strong ETags derived from the file's content, and the bytes of small files.
///
/// An ETag is the 16 hex digits of a 64-bit hash of the bytes (``ContentDigest``), so it changes
/// whenever the content changes, even when size and mtime do not. The cost is one read of
/// the file per change: hashes are cached by (device, inode, size, mtime, ctime) — ctime
/// cannot be set back by a user, so a rewrite that restores mtime still misses the cache.
/// A file is read in 64 KiB chunks; memory does not grow with its size.
///
/// Files of at most ``smallFileLimit`` bytes are read once, whole, into the buffer the hash
/// reads, so their bytes are kept too (at most ``totalBytesLimit`` in all): a request for one is answered from
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
        let size = Int(st.st_size)
        var digest = ContentDigest()
        var bytes: ByteBuffer?
        if size <= Self.smallFileLimit {
            // Read once, into the buffer that is kept, and hashed there: one more byte of room
            // shows a file that grew meanwhile.
            guard let (read, complete) = Self.readWhole(fd, size: size) else { return nil }
            read.withUnsafeReadableBytes { digest.update($0) }
            if complete { bytes = read }
        } else {
            // In chunks of 64 KiB: memory does not grow with the file.
            let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 8)
            defer { chunk.deallocate() }
            var offset: off_t = 0
            while true {
                let n = pread(fd, chunk.baseAddress, chunk.count, offset)
                if n < 0 { return nil }
                if n == 0 { break }
                digest.update(UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
                offset += off_t(n)
            }
        }
        let hash = String(digest.finish(), radix: 16).leftPadded(to: 16)
        let entry = Entry(hash: hash, quotedHash: "\"" + hash + "\"", lastModified: HTTPDate.format(st.st_mtim.tv_sec), bytes: bytes)
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

    /// The whole file, and whether it is exactly `size` bytes (it did not change while read);
    /// nil when it cannot be read.
    private static func readWhole(_ fd: Int32, size: Int) -> (ByteBuffer, complete: Bool)? {
        // Exactly the file's size (and the byte that shows growth): grown by appending, the
        // buffer doubled its capacity, up to twice the bytes counted against `totalBytesLimit`.
        var buffer = ByteBufferAllocator().buffer(capacity: size + 1)
        var failed = false
        while buffer.readableBytes <= size {
            let offset = off_t(buffer.readableBytes)
            let n = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 1) { room -> Int in
                let n = pread(fd, room.baseAddress, room.count, offset)
                if n < 0 { failed = true }
                return max(n, 0)
            }
            if failed { return nil }
            if n == 0 { break }
        }
        return (buffer, buffer.readableBytes == size)
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
