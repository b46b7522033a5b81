/// A media type (RFC 9110 §8.3.1): `text/html; charset=UTF-8` → essence `text/html` and
/// parameters `["charset": "UTF-8"]`.
///
/// The essence is lowercased (type and subtype are case-insensitive); parameter names are
/// lowercased and values unquoted; the first occurrence of a parameter wins.
public struct MediaType: Sendable, Equatable {
    /// `type/subtype`, lowercased; empty when the field is empty.
    public var essence: String
    public var parameters: [String: String]

    /// Parses a `Content-Type` value (or any media type); never fails.
    public init(_ value: String) {
        // Called for every response of a crawl: no Foundation string trimming here, whose
        // NSString bridging cost more than the rest of the parse.
        let whole = value[...]
        let semicolon = whole.firstIndex(of: ";") ?? whole.endIndex
        essence = HTTPList.trimmingOWS(whole[..<semicolon]).lowercased()
        parameters = semicolon < whole.endIndex ? HTTPList.parameters(whole[whole.index(after: semicolon)...]) : [:]
    }

    /// The essence of an optional `Content-Type` value ("" for none).
    public static func essence(of contentType: String?) -> String {
        guard let contentType else { return "" }
        let semicolon = contentType.firstIndex(of: ";") ?? contentType.endIndex
        return HTTPList.trimmingOWS(contentType[..<semicolon]).lowercased()
    }

    /// The `charset` parameter, if any.
    public var charset: String? { parameters["charset"] }

    /// Text worth compressing on the wire: `text/*`, JavaScript, JSON, XML, SVG, WebAssembly.
    public var isCompressibleText: Bool {
        essence.hasPrefix("text/") || essence.hasSuffix("javascript") || essence.hasSuffix("json") || essence.hasSuffix("+xml")
            || essence == "application/xml" || essence == "image/svg+xml" || essence == "application/wasm"
    }
}
