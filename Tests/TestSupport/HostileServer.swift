public import Foundation
#if canImport(Glibc)
internal import Glibc
#endif

/// A misbehaving HTTP server on 127.0.0.1 (ephemeral port) written on plain sockets: each
/// request is answered by a script of raw steps (bytes, pauses, a close, silence), chosen by
/// its path, so one path can misbehave in one way while the others are healthy. It does what
/// the embedded server never does: a 304 with a body, bytes that are not UTF-8 in a header,
/// endless chains generated from the query string.
///
/// One thread per connection, blocking I/O: a test server for a handful of connections, not
/// for load. ``stop()`` (or the end of ``with(_:_:)``) closes every socket it opened.
public final class HostileServer: @unchecked Sendable {
    /// One step of an answer.
    public enum Step: Sendable {
        case send([UInt8])
        /// Waits this many seconds before the next step.
        case pause(Double)
        /// Closes the connection.
        case close
        /// Sends nothing more and keeps the connection open until the server stops.
        case hang
    }

    /// A request as the server read it.
    public struct Request: Sendable {
        public var method: String
        /// The request target, query included (`/a.css?n=3`).
        public var target: String
        public var headers: [(name: String, value: [UInt8])]
        /// The request's index on its connection (0 for the first).
        public var onConnection: Int

        public var path: String { String(target.prefix { $0 != "?" }) }
        public var query: String? { target.firstIndex(of: "?").map { String(target[target.index(after: $0)...]) } }
        /// The first value of a header, as bytes (case-insensitive name).
        public func header(_ name: String) -> [UInt8]? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
    }

    private let lock = NSLock()
    private let respond: @Sendable (Request) -> [Step]
    private var listener: Int32 = -1
    private var clients: Set<Int32> = []
    private var stopped = false
    private var log: [Request] = []
    private var accepted = 0
    public private(set) var port = 0

    /// - Parameter respond: the steps that answer one request.
    public init(_ respond: @escaping @Sendable (Request) -> [Step]) { self.respond = respond }

    /// Serves until `body` returns (or throws).
    public static func with<T>(_ respond: @escaping @Sendable (Request) -> [Step], _ body: (HostileServer) async throws -> T) async throws -> T {
        let server = HostileServer(respond)
        try server.start()
        defer { server.stop() }
        return try await body(server)
    }

    /// `http://127.0.0.1:PORT`, without a final slash.
    public var base: String { "http://127.0.0.1:\(port)" }
    public func url(_ path: String) -> URL { URL(string: base + path)! }

    /// Every request read so far, in order.
    public var requests: [Request] { lock.withLock { log } }
    /// Connections accepted so far.
    public var connections: Int { lock.withLock { accepted } }

    public func start() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        listener = fd
        let thread = Thread { [self] in acceptLoop(fd) }
        thread.start()
    }

    /// Closes the listening socket and every connection.
    public func stop() {
        // Under the lock: a connection's thread closes its socket only after removing it from
        // `clients` (under the lock too), so no number shut down here can belong to a reused socket.
        let fd: Int32 = lock.withLock {
            stopped = true
            for client in clients { shutdown(client, Int32(SHUT_RDWR)) }
            defer { listener = -1 }
            return listener
        }
        if fd >= 0 { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }
    }

    private func acceptLoop(_ fd: Int32) {
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            let keep: Bool = lock.withLock {
                guard !stopped else { return false }
                clients.insert(client)
                accepted += 1
                return true
            }
            guard keep else { close(client); return }
            let thread = Thread { [self] in serve(client) }
            thread.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer {
            lock.withLock { _ = clients.remove(fd) }
            close(fd)
        }
        var buffer: [UInt8] = []
        var index = 0
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            while let end = Self.headEnd(buffer) {
                let head = Array(buffer[..<end])
                buffer.removeSubrange(..<(end + 4))
                guard var request = Self.parse(head) else { return }
                request.onConnection = index
                index += 1
                lock.withLock { log.append(request) }
                for step in respond(request) {
                    switch step {
                    case .send(let bytes):
                        guard Self.write(fd, bytes) else { return }
                    case .pause(let seconds):
                        Thread.sleep(forTimeInterval: seconds)
                    case .close:
                        return
                    case .hang:
                        while recv(fd, &chunk, chunk.count, 0) > 0 {}
                        return
                    }
                }
            }
            let n = recv(fd, &chunk, chunk.count, 0)
            guard n > 0 else { return }
            buffer += chunk[..<n]
            if buffer.count > 1 << 20 { return }
        }
    }

    private static func write(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return false }
            sent += n
        }
        return true
    }

    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i
        }
        return nil
    }

    private static func parse(_ head: [UInt8]) -> Request? {
        let lines = head.split(separator: 10, omittingEmptySubsequences: false).map { $0.last == 13 ? Array($0.dropLast()) : Array($0) }
        guard let first = lines.first else { return nil }
        let parts = first.split(separator: 32)
        guard parts.count >= 2 else { return nil }
        var headers: [(name: String, value: [UInt8])] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: 58) else { continue }
            let name = String(decoding: line[..<colon], as: UTF8.self)
            let value = Array(line[(colon + 1)...].drop { $0 == 32 || $0 == 9 })
            headers.append((name, value))
        }
        return Request(method: String(decoding: parts[0], as: UTF8.self), target: String(decoding: parts[1], as: UTF8.self),
                       headers: headers, onConnection: 0)
    }
}

extension HostileServer {
    /// A complete response: status line, headers (raw bytes allowed), `Content-Length` unless
    /// `headers` names one or `contentLength` is false, and the body.
    public static func response(_ status: Int, _ headers: [(String, [UInt8])] = [], body: [UInt8] = [],
                                contentLength: Bool = true) -> [UInt8] {
        var out = Array("HTTP/1.1 \(status) \(status == 200 ? "OK" : "Status")\r\n".utf8)
        for (name, value) in headers { out += Array("\(name): ".utf8) + value + [13, 10] }
        if contentLength, !headers.contains(where: { $0.0.lowercased() == "content-length" }) {
            out += Array("Content-Length: \(body.count)\r\n".utf8)
        }
        return out + [13, 10] + body
    }

    /// A complete response with text headers and a text body.
    public static func response(_ status: Int, _ headers: [String: String], body: String = "") -> [UInt8] {
        response(status, headers.sorted { $0.key < $1.key }.map { ($0.key, Array($0.value.utf8)) }, body: Array(body.utf8))
    }
}
