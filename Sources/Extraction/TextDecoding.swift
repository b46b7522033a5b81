#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Decodes text (stylesheets) the way CSS Syntax §3.2 says: a BOM, else the HTTP charset,
/// else `@charset "…";` at the very start, else UTF-8. Labels are read as the WHATWG
/// Encoding standard says, and bytes a decoder cannot map become U+FFFD: a non-UTF-8
/// stylesheet is never dropped.
enum TextDecoding {
    static func decode(_ bytes: [UInt8], charset: String?) -> String {
        bytes.withUnsafeBufferPointer { buffer in
            if let bom = Charset.byteOrderMark(buffer) {
                return decode(UnsafeBufferPointer(rebasing: buffer[bom.length...]), encoding: bom.name)
            }
            var encoding = charset.flatMap(Charset.libxmlName(forLabel:))
            if encoding == nil, let declared = atCharset(buffer) {
                encoding = Charset.libxmlName(forLabel: declared)
                // `@charset "utf-16"` in bytes that spell it in ASCII: the file is not UTF-16.
                if encoding?.hasPrefix("UTF-16") == true { encoding = "UTF-8" }
            }
            return decode(buffer, encoding: encoding ?? "UTF-8")
        }
    }

    /// The label of an `@charset "…";` rule at the very start, byte for byte as CSS requires.
    static func atCharset(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let prefix = Array("@charset \"".utf8)
        guard bytes.count > prefix.count, bytes.starts(with: prefix) else { return nil }
        var label: [UInt8] = []
        var i = prefix.count
        while i < bytes.count, i < 1024 {
            if bytes[i] == UInt8(ascii: "\"") {
                guard i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: ";") else { return nil }
                return String(decoding: label, as: UTF8.self)
            }
            label.append(bytes[i])
            i += 1
        }
        return nil
    }

    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, encoding: String) -> String {
        if encoding == "UTF-8" { return String(decoding: bytes, as: UTF8.self) }
        return Iconv.decode(bytes, from: encoding) ?? String(decoding: bytes, as: UTF8.self)
    }
}

/// iconv, to UTF-8, with U+FFFD for what it cannot map.
enum Iconv {
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, from encoding: String) -> String? {
        let cd = iconv_open("UTF-8", encoding)
        guard let cd, cd != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(cd) }
        guard let base = bytes.baseAddress, bytes.count > 0 else { return "" }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: base).assumingMemoryBound(to: CChar.self)
        var inLeft = bytes.count
        let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
        while inLeft > 0 {
            let (status, code, produced): (Int, Int32, Int) = chunk.withUnsafeMutableBufferPointer { out in
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(out.baseAddress!).assumingMemoryBound(to: CChar.self)
                var outLeft = out.count
                let status = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                return (status, errno, out.count - outLeft)
            }
            output.append(contentsOf: chunk[..<produced])
            if status == -1 {
                switch code {
                case E2BIG:
                    continue
                case EILSEQ:
                    // Skip one byte and carry on, as a browser's decoder would after emitting U+FFFD.
                    output += replacement
                    inPtr = inPtr.map { $0 + 1 }
                    inLeft -= 1
                default:
                    // EINVAL: an incomplete sequence at the end.
                    output += replacement
                    inLeft = 0
                }
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
