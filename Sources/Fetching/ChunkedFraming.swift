/// The bytes HTTP/1.1's chunked transfer coding (RFC 9112 §7.1) adds around a body: each
/// chunk's size in hex and two CRLFs, then the last chunk `0\r\n`, any trailer fields and a
/// final CRLF. A client that is handed the de-chunked body (AsyncHTTPClient) adds these to
/// count what was on the wire; one that reads the framing itself can count it directly.
///
/// ```swift
/// ChunkedFraming.overhead(chunkSizes: [300])   // "12c\r\n" + "\r\n" + "0\r\n\r\n" = 12
/// ```
public enum ChunkedFraming {
    /// Framing of one chunk of `size` bytes (size > 0): `SIZE-IN-HEX\r\n` before, `\r\n` after.
    public static func overhead(ofChunk size: Int) -> Int {
        String(size, radix: 16).utf8.count + 4
    }

    /// The end of a chunked body: `0\r\n`, the trailer section, `\r\n`.
    public static func terminator(trailerBytes: Int = 0) -> Int { 5 + trailerBytes }

    /// Framing of a whole chunked body made of chunks of these sizes (empty ones are skipped:
    /// a zero size would end the body).
    public static func overhead(chunkSizes: some Sequence<Int>, trailerBytes: Int = 0) -> Int {
        chunkSizes.reduce(terminator(trailerBytes: trailerBytes)) { $0 + ($1 > 0 ? overhead(ofChunk: $1) : 0) }
    }
}
