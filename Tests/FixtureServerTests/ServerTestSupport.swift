import AsyncHTTPClient
import FixtureServer
import Foundation
import TestSupport
import NIOCore
import NIOHTTP1
#if canImport(Glibc)
import Glibc
#endif

/// One response, body collected.
struct TestResponse {
    var status: Int
    var headers: HTTPHeaders
    var body: String
}

/// Sends one request with AsyncHTTPClient (no redirects followed), body as text.
func request(_ method: HTTPMethod = .GET, _ url: URL, headers: [(String, String)] = []) async throws -> TestResponse {
    let r = try await requestBytes(method, url, headers: headers)
    return TestResponse(status: r.status, headers: r.headers, body: String(decoding: r.body, as: UTF8.self))
}

/// Sends one request with AsyncHTTPClient (no redirects, no decompression) and keeps the body as bytes.
func requestBytes(_ method: HTTPMethod = .GET, _ url: URL, headers: [(String, String)] = []) async throws -> (status: Int, headers: HTTPHeaders, body: [UInt8]) {
    var req = HTTPClientRequest(url: url.absoluteString)
    req.method = method
    for (n, v) in headers { req.headers.add(name: n, value: v) }
    var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
    configuration.decompression = .disabled
    return try await HTTPClient.withHTTPClient(configuration: configuration) { client in
        // 60 s: a limit for a hung server, not a measure of speed (every test of the full
        // parallel suite shares 2 cores and NIO's event loops; a 5 s answer has been seen).
        let response = try await client.execute(req, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 64 << 20)
        return (Int(response.status.code), response.headers, Array(buffer: body))
    }
}

/// `n` bytes of a repeating, position-dependent pattern (so any misplaced range shows).
func patternBytes(_ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 / 251) } }

/// A plain TCP connection to the server for requests no HTTP client would send.
/// Blocking POSIX sockets with a receive timeout, so a test can never hang for good.
final class RawConnection {
    let fd: Int32

    /// `receiveBuffer` fixes the socket's receive buffer (the kernel doubles it) instead of
    /// letting it grow to megabytes: then the bytes in flight are bounded.
    /// The receive timeout only guards against a hang: on a loaded machine the server may
    /// take seconds to answer, and a test waits for what it expects (an answer, a close).
    init(port: Int, receiveTimeout: Double = 60, receiveBuffer: Int32? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawError.socket }
        var tv = timeval(tv_sec: Int(receiveTimeout), tv_usec: Int((receiveTimeout - Double(Int(receiveTimeout))) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        if var size = receiveBuffer { setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size)) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { close(fd); throw RawError.connect }
    }

    deinit { close(fd) }

    enum RawError: Error { case socket, connect }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }

    /// Ends this side's output (the server then reads end of file).
    func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    /// Whether the peer has not closed, without waiting: nothing to read, or bytes but no end.
    var peerIsOpen: Bool {
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return n > 0 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
    }

    /// Reads until the peer closes, the timeout passes, or `limit` bytes.
    func readAll(limit: Int = 1 << 20) -> (text: String, closed: Bool) {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while out.count < limit {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return (String(decoding: out, as: UTF8.self), true) }
            if n < 0 { return (String(decoding: out, as: UTF8.self), errno == ECONNRESET) }
            out.append(contentsOf: buffer[0..<n])
        }
        return (String(decoding: out, as: UTF8.self), false)
    }

    /// Reads one response on a kept-alive connection: the head, then a body of its
    /// Content-Length (none for a 304 or when `head` says the request was HEAD).
    func readResponse(head isHead: Bool = false) -> (status: Int?, headers: [String: String], body: String) {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while !bytes.suffix(4).elementsEqual(Array("\r\n\r\n".utf8)) {
            guard recv(fd, &byte, 1, 0) == 1 else { return (nil, [:], "") }
            bytes.append(byte)
        }
        let head = String(decoding: bytes, as: UTF8.self)
        var headers: [String: String] = [:]
        for line in head.components(separatedBy: "\r\n").dropFirst() where line.contains(":") {
            let (name, value) = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }.pair
            headers[name.lowercased()] = value
        }
        let status = Self.status(of: head)
        var body: [UInt8] = []
        let length = (isHead || status == 304) ? 0 : Int(headers["content-length"] ?? "0") ?? 0
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while body.count < length {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, min($0.count, length - body.count), 0) }
            if n <= 0 { break }
            body.append(contentsOf: buffer[0..<n])
        }
        return (status, headers, String(decoding: body, as: UTF8.self))
    }

    /// The status code of the first response in what was read.
    static func status(of text: String) -> Int? {
        guard text.hasPrefix("HTTP/1.") else { return nil }
        return Int(text.dropFirst(9).prefix(3))
    }
}

/// One exchange on a fresh connection: send `request` raw, read until the server closes
/// (or the timeout), return the status of the first response.
func rawStatus(_ base: URL, _ request: String) throws -> Int? {
    let connection = try RawConnection(port: base.port ?? 80)
    connection.send(request)
    return RawConnection.status(of: connection.readAll().text)
}

private extension Array where Element == String {
    var pair: (String, String) { (self[0], count > 1 ? self[1] : "") }
}
