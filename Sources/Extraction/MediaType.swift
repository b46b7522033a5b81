internal import Foundation

/// A parsed media type: `text/html; charset=UTF-8` → essence `text/html`, parameters.
public struct MediaType: Sendable, Equatable {
    public var essence: String
    public var parameters: [String: String]

    public init(_ header: String) {
        // Called for every response of a crawl: no Foundation string trimming here, whose
        // NSString bridging cost more than the rest of the parse.
        let parts = header.split(separator: ";", omittingEmptySubsequences: false)
        essence = parts.first.map { Self.trimmed($0).lowercased() } ?? ""
        var params: [String: String] = [:]
        for part in parts.dropFirst() {
            let kv = part.split(separator: "=", maxSplits: 1)
            guard kv.count == 2 else { continue }
            let key = Self.trimmed(kv[0]).lowercased()
            var value = String(Self.trimmed(kv[1]))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            if params[key] == nil { params[key] = value }
        }
        parameters = params
    }

    /// Without leading and trailing spaces and tabs (HTTP's optional whitespace).
    static func trimmed(_ s: Substring) -> Substring {
        var s = s
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}
