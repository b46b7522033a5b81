#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The URL standard's query encoding for documents in a legacy encoding: a URL found in a
/// windows-1252 page with `?q=café` asks for `?q=caf%E9`, not `%C3%A9`. Paths are always
/// UTF-8; CSS and manifests always use UTF-8; UTF-16 documents use UTF-8 too.
enum QueryEncoding {
    /// The encoding to use for queries, or nil when it is UTF-8 (or unknown).
    static func legacy(_ encoding: String?) -> String? {
        guard let encoding, !encoding.uppercased().hasPrefix("UTF-") else { return nil }
        return encoding
    }

    /// `raw` with the non-ASCII characters of its query percent-encoded in `encoding`; a
    /// character the encoding cannot represent becomes `%26%23NNNN%3B` (`&#NNNN;`), as browsers do.
    static func encode(_ raw: String, in encoding: String) -> String {
        guard let question = raw.firstIndex(of: "?") else { return raw }
        let end = raw[question...].firstIndex(of: "#") ?? raw.endIndex
        let query = raw[raw.index(after: question)..<end]
        guard query.unicodeScalars.contains(where: { !$0.isASCII }) else { return raw }
        let cd = iconv_open(encoding, "UTF-8")
        guard let cd, cd != iconv_t(bitPattern: -1) else { return raw }
        defer { iconv_close(cd) }
        var out = String(raw[...question])
        for scalar in query.unicodeScalars {
            if scalar.isASCII {
                out.unicodeScalars.append(scalar)
                continue
            }
            var input = Array(String(scalar).utf8)
            var output = [UInt8](repeating: 0, count: 16)
            let converted: Int? = input.withUnsafeMutableBufferPointer { inBuf in
                output.withUnsafeMutableBufferPointer { outBuf in
                    var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuf.baseAddress!).assumingMemoryBound(to: CChar.self)
                    var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuf.baseAddress!).assumingMemoryBound(to: CChar.self)
                    var inLeft = inBuf.count, outLeft = outBuf.count
                    let status = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                    return status == -1 || inLeft != 0 ? nil : outBuf.count - outLeft
                }
            }
            if let converted, converted > 0 {
                for byte in output[..<converted] { out += "%" + String(byte, radix: 16, uppercase: true).leftPadded() }
            } else {
                _ = iconv(cd, nil, nil, nil, nil)  // reset the shift state after a failure
                out += "%26%23\(scalar.value)%3B"
            }
        }
        out += raw[end...]
        return out
    }
}

private extension String {
    func leftPadded() -> String { count == 1 ? "0" + self : self }
}
