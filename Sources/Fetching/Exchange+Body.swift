internal import CrawlModel

extension Exchange {
    /// Records what a ``BodySink`` took (wire bytes, truncation at the cap) and decodes a kept
    /// body with ``ContentDecoding``. Both fetchers finish an exchange here.
    ///
    /// - Parameter framingBytes: chunked transfer framing around the body, part of its wire bytes.
    /// - Returns: the decoded body when it was kept and decoding worked.
    mutating func recordBody(_ sink: BodySink, framingBytes: Int, contentEncoding: String?) -> [UInt8]? {
        bodyBytes = sink.count + framingBytes
        truncated = sink.truncated
        if sink.truncated {
            error = FetchError(.bodyTooLarge, "body larger than \(sink.limit) bytes; counted up to the cap")
        }
        guard sink.keep else {
            if contentEncoding == nil { decodedBytes = sink.count }
            return nil
        }
        do throws(ContentDecoding.Failure) {
            let decoded = try ContentDecoding.decode(sink.body, contentEncoding: contentEncoding, limit: sink.limit.multipliedReportingOverflow(by: 4).overflow ? .max : sink.limit * 4)
            decodedBytes = decoded.count
            return decoded
        } catch .tooLarge(let limit) {
            self.error = self.error ?? FetchError(.bodyTooLarge, "decoded body larger than \(limit) bytes (4 × --max-body: a decompression bomb?); not read further")
            return nil
        } catch {
            self.error = self.error ?? FetchError(.decoding, "cannot decode Content-Encoding \(contentEncoding ?? ""): \(error)")
            return nil
        }
    }
}
