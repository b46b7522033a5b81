internal import CBrotli
internal import CZstd

extension ContentDecoding {
    /// Decodes a brotli stream (RFC 7932), failing past `limit` decoded bytes.
    static func brotli(_ input: [UInt8], limit: Int) throws(Failure) -> [UInt8] {
        if input.isEmpty { return [] }
        guard let state = BrotliDecoderCreateInstance(nil, nil, nil) else { throw .corrupt("brotli: out of memory") }
        defer { BrotliDecoderDestroyInstance(state) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var result = BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT
        input.withUnsafeBufferPointer { inBuf in
            var nextIn = inBuf.baseAddress
            var availIn = inBuf.count
            while result == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT, output.count <= limit {
                chunk.withUnsafeMutableBufferPointer { outBuf in
                    var nextOut = outBuf.baseAddress
                    var availOut = outBuf.count
                    result = BrotliDecoderDecompressStream(state, &availIn, &nextIn, &availOut, &nextOut, nil)
                    output.append(contentsOf: outBuf[0..<(outBuf.count - availOut)])
                }
            }
        }
        if output.count > limit { throw .tooLarge(limit: limit) }
        switch result {
        case BROTLI_DECODER_RESULT_SUCCESS: return output
        case BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT: throw .corrupt("brotli: truncated stream")
        default: throw .corrupt("brotli: \(String(cString: BrotliDecoderErrorString(BrotliDecoderGetErrorCode(state))))")
        }
    }

    /// Decodes zstd frames (RFC 8878), with the 8 MB window HTTP allows, failing past `limit`
    /// decoded bytes.
    static func zstd(_ input: [UInt8], limit: Int) throws(Failure) -> [UInt8] {
        if input.isEmpty { return [] }
        guard let context = ZSTD_createDCtx() else { throw .corrupt("zstd: out of memory") }
        defer { ZSTD_freeDCtx(context) }
        // RFC 8878 §3.1.1.1.2 for HTTP: a window above 8 MB may be refused, and browsers do.
        _ = ZSTD_DCtx_setParameter(context, ZSTD_d_windowLogMax, 23)
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var status = 0
        var failure: String?
        input.withUnsafeBytes { raw in
            var inBuffer = ZSTD_inBuffer(src: raw.baseAddress, size: raw.count, pos: 0)
            while output.count <= limit {
                var produced = 0
                chunk.withUnsafeMutableBytes { outRaw in
                    var outBuffer = ZSTD_outBuffer(dst: outRaw.baseAddress, size: outRaw.count, pos: 0)
                    let code = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
                    if ZSTD_isError(code) != 0 {
                        failure = String(cString: ZSTD_getErrorName(code))
                    } else {
                        // 0: a frame is decoded and flushed; more: input or flushing still due.
                        status = code
                    }
                    produced = outBuffer.pos
                    output.append(contentsOf: outRaw.bindMemory(to: UInt8.self)[0..<produced])
                }
                if failure != nil { break }
                // All input read: done when the frame is complete, truncated when nothing more comes out.
                if inBuffer.pos == inBuffer.size, status == 0 || produced == 0 { break }
            }
        }
        if let failure { throw .corrupt("zstd: \(failure)") }
        if output.count > limit { throw .tooLarge(limit: limit) }
        if status != 0 { throw .corrupt("zstd: truncated frame") }
        return output
    }
}
