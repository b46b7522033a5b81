internal import Foundation

/// A parsed media type: `text/html; charset=UTF-8` → essence `text/html`, parameters.
public struct MediaType: Sendable, Equatable {
    public var essence: String
    public var parameters: [String: String]

    public init(_ header: String) {
        let parts = header.split(separator: ";", omittingEmptySubsequences: false)
        essence = parts.first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        var params: [String: String] = [:]
        for part in parts.dropFirst() {
            let kv = part.split(separator: "=", maxSplits: 1)
            guard kv.count == 2 else { continue }
            let key = kv[0].trimmingCharacters(in: .whitespaces).lowercased()
            var value = kv[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            if params[key] == nil { params[key] = value }
        }
        parameters = params
    }
}
