internal import CZlib
internal import HTTPSemantics

/// Decodes `Content-Encoding: gzip` and `deflate` bodies with zlib, `br` with Debian's
/// libbrotli and `zstd` with libzstd (see `ContentDecoding+Brotli.swift`), each stopped at the
/// same decoded-size limit (a decompression-bomb guard).
public enum ContentDecoding {
    /// Encodings the fetcher can decode, as Chromium names them in `Accept-Encoding`, so a
    /// server answers the crawler with the bytes it sends a browser.
    public static let acceptEncoding = "gzip, deflate, br, zstd"

    public enum Failure: Error, Sendable, CustomStringConvertible {
        case unsupported(String), corrupt(String)
        /// The decoded body went past the limit: a decompression bomb, or a body bigger than allowed.
        case tooLarge(limit: Int)

        public var description: String {
            switch self {
            case .unsupported(let coding): "unsupported(\"\(coding)\")"
            case .corrupt(let why): "corrupt(\"\(why)\")"
            case .tooLarge(let limit): "decoded body larger than \(limit) bytes"
            }
        }
    }

    /// Decodes `body` as the `Content-Encoding` header says.
    ///
    /// - Parameter limit: stop with an error past this many decoded bytes (a zip bomb guard).
    public static func decode(_ body: [UInt8], contentEncoding: String?, limit: Int) throws(Failure) -> [UInt8] {
        let codings = ContentCoding.applied(contentEncoding.map { [$0] } ?? [])
        var data = body
        for coding in codings.reversed() {
            switch coding {
            case "gzip": data = try inflate(data, windowBits: 15 + 32, limit: limit)
            case "deflate":
                // RFC 9110 says zlib-wrapped; some servers send raw deflate. Try both.
                // A body past the limit is that, whichever framing: the retry's error would hide it.
                do throws(Failure) { data = try inflate(data, windowBits: 15, limit: limit) }
                catch .tooLarge(let limit) { throw .tooLarge(limit: limit) }
                catch { data = try inflate(data, windowBits: -15, limit: limit) }
            case "br": data = try brotli(data, limit: limit)
            case "zstd": data = try zstd(data, limit: limit)
            default: throw .unsupported(coding)
            }
        }
        return data
    }

    static func inflate(_ input: [UInt8], windowBits: Int32, limit: Int) throws(Failure) -> [UInt8] {
        if input.isEmpty { return [] }
        var stream = z_stream()
        guard assetcrawl_inflateInit2(&stream, windowBits) == Z_OK else { throw .corrupt("inflateInit failed") }
        defer { inflateEnd(&stream) }
        // Inflated straight into the output, grown by doubling from a guess at the decoded size:
        // a 64 KiB scratch chunk zeroed and copied from for every body (most are a few KB) and a
        // copy of the input cost more than the inflating.
        var output = [UInt8](repeating: 0, count: min(max(input.count &* 4, 4096), 1 << 20))
        var produced = 0
        var status: Int32 = Z_OK
        input.withUnsafeBufferPointer { inBuf in
            stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
            stream.avail_in = uInt(inBuf.count)
            repeat {
                if produced == output.count { output.append(contentsOf: repeatElement(0, count: min(output.count, 1 << 24))) }
                output.withUnsafeMutableBufferPointer { outBuf in
                    let room = outBuf.count - produced
                    stream.next_out = outBuf.baseAddress! + produced
                    stream.avail_out = uInt(room)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    produced += room - Int(stream.avail_out)
                }
            } while status == Z_OK && produced <= limit && (stream.avail_in > 0 || stream.avail_out == 0)
        }
        if produced > limit { throw .tooLarge(limit: limit) }
        guard status == Z_STREAM_END || (status == Z_OK && stream.avail_in == 0) else {
            throw .corrupt(stream.msg.map { String(cString: $0) } ?? String(cString: zError(status)))
        }
        output.removeLast(output.count - produced)
        return output
    }
}
