internal import CrawlModel
internal import NIOCore

/// Where a plain `http://` request goes and how its head is written: host and port to connect
/// to, the `Host` header, and the request target (path and query), taken from the URL's text
/// as it is (already normalised by the crawler), without parsing it again.
struct RequestTarget {
    var key: HTTP1ConnectionPool.Key
    /// `host[:port]` as the URL writes it (userinfo removed).
    var authority: Substring
    /// Path and query; `/` when the URL has no path.
    var target: Substring

    /// Nil for anything but `http://` with a host.
    init?(_ url: String) {
        guard url.utf8.count > 7, url.utf8.prefix(7).elementsEqual("http://".utf8) else { return nil }
        let rest = url.dropFirst(7)
        let end = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        var authority = rest[..<end]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var pathAndQuery = rest[end...]
        if let hash = pathAndQuery.firstIndex(of: "#") { pathAndQuery = pathAndQuery[..<hash] }
        if pathAndQuery.isEmpty { pathAndQuery = "/"[...] } else if pathAndQuery.first == "?" { pathAndQuery = Substring("/" + String(pathAndQuery)) }
        // host, [v6]host, host:port, [v6]:port
        var host = authority, port = 80
        if let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]") {
            guard let p = Int(authority[authority.index(after: colon)...]), (1...65535).contains(p) else { return nil }
            port = p
            host = authority[..<colon]
        }
        if host.first == "[", host.last == "]" { host = host.dropFirst().dropLast() }
        guard !host.isEmpty else { return nil }
        self.key = HTTP1ConnectionPool.Key(host: String(host).lowercased(), port: port)
        self.authority = authority
        self.target = pathAndQuery
    }

    /// `METHOD target HTTP/1.1`, `Host`, the given headers, and the empty line, as one buffer.
    func requestHead(method: String, headers: [HeaderField]) -> ByteBuffer {
        var size = method.utf8.count + target.utf8.count + authority.utf8.count + 24
        for field in headers { size += field.name.utf8.count + field.value.utf8.count + 4 }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(size)
        buffer.writeString(method)
        buffer.writeStaticString(" ")
        buffer.writeSubstring(target)
        buffer.writeStaticString(" HTTP/1.1\r\nHost: ")
        buffer.writeSubstring(authority)
        buffer.writeStaticString("\r\n")
        for field in headers {
            buffer.writeString(field.name)
            buffer.writeStaticString(": ")
            buffer.writeString(field.value)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("\r\n")
        return buffer
    }
}
