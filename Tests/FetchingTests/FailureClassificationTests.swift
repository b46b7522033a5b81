import AsyncHTTPClient
import CrawlModel
@testable import Fetching
import Foundation
import NIOCore
import NIOSSL
import Testing

/// Failures are classified from the error's type and fields, never its text, and keep the
/// error they came from as `cause`.
@Suite("Fetch failures: code from the error's type, cause kept")
struct FailureClassificationTests {
    /// An error whose text names every failure kind: classification must not read it.
    struct Misleading: Error, CustomStringConvertible {
        var description: String { "SSL certificate handshake: connection reset, timed out, could not resolve dns, connection refused" }
    }

    @Test("each error type gets its code, whatever its text says")
    func byType() {
        let cases: [(any Error, FetchError.Code)] = [
            (NIOSSLError.handshakeFailed(.sslError([])), .tls),
            (IOError(errnoCode: ECONNREFUSED, reason: "connect"), .refused),
            (IOError(errnoCode: ECONNRESET, reason: "read"), .reset),
            (IOError(errnoCode: ETIMEDOUT, reason: "connect"), .timeout),
            (ChannelError.eof, .reset),
            (ChannelError.connectTimeout(.seconds(1)), .timeout),
            (HTTPClientError.readTimeout, .timeout),
            (HTTPClientError.remoteConnectionClosed, .reset),
            (SocketAddressError.unknown(host: "a.invalid", port: 80), .dns),
            (CancellationError(), .timeout),
            (Misleading(), .other),
        ]
        for (error, code) in cases {
            let failure = HTTPClientFetcher.classify(error)
            #expect(failure.code == code, "\(error) → \(failure)")
            #expect(failure.cause.map { String(describing: $0) } == String(describing: error), "cause kept for \(error)")
        }
    }

    @Test("the cause is neither encoded nor compared: reports stay as they were")
    func causeIsNotReported() throws {
        let withCause = FetchError(.reset, "connection closed", cause: ChannelError.eof)
        let without = FetchError(.reset, "connection closed")
        #expect(withCause == without && withCause.hashValue == without.hashValue)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(withCause), as: UTF8.self)
        #expect(json == #"{"code":"reset","message":"connection closed"}"#)
        let decoded = try JSONDecoder().decode(FetchError.self, from: Data(json.utf8))
        #expect(decoded == without && decoded.cause == nil)
    }
}
