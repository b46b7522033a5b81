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

    /// Nil for anything but `http://` with a host. Scans the UTF-8 bytes once: this runs for
    /// every request.
    init?(_ url: String) {
        let utf8 = url.utf8
        guard utf8.count > 7, utf8.prefix(7).elementsEqual("http://".utf8) else { return nil }
        let start = utf8.index(utf8.startIndex, offsetBy: 7)
        var end = start, userinfoEnd: String.Index?
        while end < utf8.endIndex {
            let b = utf8[end]
            if b == UInt8(ascii: "/") || b == UInt8(ascii: "?") || b == UInt8(ascii: "#") { break }
            if b == UInt8(ascii: "@") { userinfoEnd = utf8.index(after: end) }
            end = utf8.index(after: end)
        }
        let authority = url[(userinfoEnd ?? start)..<end]
        var pathEnd = end
        while pathEnd < utf8.endIndex, utf8[pathEnd] != UInt8(ascii: "#") { pathEnd = utf8.index(after: pathEnd) }
        var pathAndQuery = url[end..<pathEnd]
        if pathAndQuery.isEmpty {
            pathAndQuery = "/"
        } else if pathAndQuery.utf8.first == UInt8(ascii: "?") {
            pathAndQuery = Substring("/" + String(pathAndQuery))
        }
        // host, [v6], host:port, [v6]:port
        var host = authority, port = 80
        if let colon = authority.utf8.lastIndex(of: UInt8(ascii: ":")),
           !authority.utf8[colon...].contains(UInt8(ascii: "]")) {
            guard let p = Int(authority[authority.utf8.index(after: colon)...]), (1...65535).contains(p) else { return nil }
            port = p
            host = authority[..<colon]
        }
        if host.utf8.first == UInt8(ascii: "["), host.utf8.last == UInt8(ascii: "]") { host = host.dropFirst().dropLast() }
        guard !host.isEmpty else { return nil }
        // The crawler's URLs are normalised (host lowercased); others are lowercased here.
        let hostString = host.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) ? host.lowercased() : String(host)
        self.key = HTTP1ConnectionPool.Key(host: hostString, port: port)
        self.authority = authority
        self.target = pathAndQuery
    }

    /// `METHOD target HTTP/1.1`, `Host`, the given headers, and the empty line, as one buffer.
    func requestHead(method: String, headers: [HeaderField]) -> ByteBuffer {
        var size = method.utf8.count + target.utf8.count + authority.utf8.count + 24
        for field in headers { size += field.name.utf8.count + (field.rawValue?.count ?? field.value.utf8.count) + 4 }
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
            // Bytes as received when they were not UTF-8 (an ETag sent back as it came).
            if let raw = field.rawValue { buffer.writeBytes(raw) } else { buffer.writeString(field.value) }
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("\r\n")
        return buffer
    }
}
