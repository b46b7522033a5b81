internal import CZlib
internal import HTTPSemantics

/// Decodes `Content-Encoding: gzip` and `deflate` bodies with zlib, `br` with Debian's
/// libbrotli and `zstd` with libzstd (see `ContentDecoding+Brotli.swift`), each stopped at the
/// same decoded-size limit (a decompression-bomb guard).
public enum ContentDecoding {
    /// Encodings the fetcher can decode, as Chromium names them in `Accept-Encoding`, so a
    /// server answers the crawler with the bytes it sends a browser.
    public static let acceptEncoding = "gzip, deflate, br, zstd"

    public enum Failure: Error, Sendable { case unsupported(String), corrupt(String) }

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
                do { data = try inflate(data, windowBits: 15, limit: limit) }
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
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = input
        var status: Int32 = Z_OK
        input.withUnsafeMutableBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = uInt(inBuf.count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { outBuf in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = uInt(outBuf.count)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    output.append(contentsOf: outBuf[0..<(outBuf.count - Int(stream.avail_out))])
                }
            } while status == Z_OK && output.count <= limit && (stream.avail_in > 0 || stream.avail_out == 0)
        }
        if output.count > limit { throw .corrupt("decoded body larger than \(limit) bytes") }
        guard status == Z_STREAM_END || (status == Z_OK && stream.avail_in == 0) else {
            throw .corrupt(stream.msg.map { String(cString: $0) } ?? String(cString: zError(status)))
        }
        return output
    }
}
