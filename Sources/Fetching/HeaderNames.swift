internal import CrawlModel

/// Interned header names and, per connection, the last value of each known header.
///
/// Servers send the same dozen names on every response and often the same values (`Server`,
/// `Date` within a second, `Content-Type`, `Accept-Ranges`): a name spelt as the table spells
/// it is the table's string, and a value equal to the previous response's is that string,
/// so a response head allocates only for what is new.
struct HeaderNames {
    enum Known: Int, CaseIterable {
        case contentLength, transferEncoding, connection, contentType, contentEncoding, etag, lastModified, date
        case server, cacheControl, expires, vary, acceptRanges, age, location, keepAlive
        case other
    }

    /// The canonical spelling of each known name, in `Known` order.
    static let canonical: [String] = [
        "Content-Length", "Transfer-Encoding", "Connection", "Content-Type", "Content-Encoding", "ETag", "Last-Modified",
        "Date", "Server", "Cache-Control", "Expires", "Vary", "Accept-Ranges", "Age", "Location", "Keep-Alive",
    ]
    static let canonicalBytes: [[UInt8]] = canonical.map { Array($0.utf8) }

    private var lastValues: [String?] = Array(repeating: nil, count: Known.allCases.count - 1)

    init() {}

    /// The field for `name: value` as received, and which known header it is.
    mutating func field(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) -> (header: HeaderField, known: Known) {
        guard let (index, exact) = Self.lookup(name) else {
            let text = String(decoding: value, as: UTF8.self)
            return (HeaderField(name: String(decoding: name, as: UTF8.self), value: text, rawValue: Self.rawBytes(value, text)), .other)
        }
        let nameString = exact ? Self.canonical[index] : String(decoding: name, as: UTF8.self)
        let valueString: String
        if let last = lastValues[index], last.utf8.elementsEqual(value) {
            valueString = last
        } else {
            valueString = String(decoding: value, as: UTF8.self)
            lastValues[index] = valueString
        }
        return (HeaderField(name: nameString, value: valueString, rawValue: Self.rawBytes(value, valueString)), Known(rawValue: index) ?? .other)
    }

    /// The value's bytes when decoding them as UTF-8 lost some (an ETag or a Location must
    /// go back byte for byte); nil for the usual ASCII or valid UTF-8 value.
    static func rawBytes(_ value: UnsafeRawBufferPointer, _ text: String) -> [UInt8]? {
        guard value.contains(where: { $0 >= 0x80 }), !text.utf8.elementsEqual(value) else { return nil }
        return Array(value)
    }

    /// The index of a known name (compared case-insensitively), and whether it is spelt canonically.
    static func lookup(_ name: UnsafeRawBufferPointer) -> (Int, Bool)? {
        for (index, candidate) in canonicalBytes.enumerated() where candidate.count == name.count {
            var exact = true, equal = true
            for i in 0..<name.count where name[i] != candidate[i] {
                exact = false
                if name[i] | 0x20 != candidate[i] | 0x20 { equal = false; break }
            }
            if equal { return (index, exact) }
        }
        return nil
    }
}
