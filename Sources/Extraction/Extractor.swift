public import CrawlModel
public import Foundation

/// The one entry point: bytes and their media type in, references out.
public enum Extractor {
    /// What kind of document a media type names, for extraction.
    public enum DocumentType: Sendable, Equatable {
        case html, css, manifest, other
    }

    /// Classifies a `Content-Type` (and the URL's extension when the type is missing or generic).
    public static func documentType(contentType: String?, url: URL) -> DocumentType {
        let mime = contentType.map(MediaType.init)?.essence ?? ""
        switch mime {
        case "text/html", "application/xhtml+xml": return .html
        case "text/css": return .css
        case "application/manifest+json": return .manifest
        case "", "application/octet-stream", "text/plain":
            switch url.pathExtension.lowercased() {
            case "html", "htm": return .html
            case "css": return .css
            case "webmanifest": return .manifest
            default: return .other
            }
        case "application/json" where url.pathExtension.lowercased() == "webmanifest" || url.lastPathComponent == "manifest.json":
            return .manifest
        default: return .other
        }
    }

    /// Extracts references from a document of any supported type.
    ///
    /// - Parameters:
    ///   - body: the decoded body bytes.
    ///   - contentType: the response's `Content-Type`, if any.
    ///   - url: the document's final URL.
    /// - Returns: references in document order; empty for types that reference nothing.
    public static func references(in body: [UInt8], contentType: String?, url: URL) -> [Reference] {
        let charset = contentType.map(MediaType.init)?.parameters["charset"]
        switch documentType(contentType: contentType, url: url) {
        case .html:
            return HTMLExtractor.extract(body, url: url, charset: charset)
        case .css:
            return CSSExtractor.extract(TextDecoding.decode(body, charset: charset), base: url)
        case .manifest:
            return ManifestExtractor.extract(body, url: url)
        case .other:
            return []
        }
    }
}

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

/// Decodes text (CSS) with its BOM or declared charset, never dropping a non-UTF-8 document.
enum TextDecoding {
    static func decode(_ bytes: [UInt8], charset: String?) -> String {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return String(decoding: bytes.dropFirst(3), as: UTF8.self) }
        if bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE]) {
            return String(data: Data(bytes), encoding: .utf16) ?? String(decoding: bytes, as: UTF8.self)
        }
        var name = charset?.lowercased()
        if name == nil, bytes.starts(with: Array("@charset \"".utf8)) {
            let rest = bytes.dropFirst(10).prefix { $0 != UInt8(ascii: "\"") }
            name = String(decoding: rest, as: UTF8.self).lowercased()
        }
        switch name {
        case "iso-8859-1", "latin1", "windows-1252", "cp1252", "us-ascii":
            return String(data: Data(bytes), encoding: .windowsCP1252) ?? String(decoding: bytes, as: UTF8.self)
        case "shift_jis", "sjis", "x-sjis":
            return String(data: Data(bytes), encoding: .shiftJIS) ?? String(decoding: bytes, as: UTF8.self)
        default:
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}

/// Web-app manifests: `icons[].src` and `screenshots[].src`, resolved against the manifest URL.
enum ManifestExtractor {
    static func extract(_ body: [UInt8], url: URL) -> [Reference] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return [] }
        var refs: [Reference] = []
        for member in ["icons", "screenshots"] {
            for entry in object[member] as? [[String: Any]] ?? [] {
                guard let src = entry["src"] as? String else { continue }
                var condition: [String: String] = [:]
                for key in ["sizes", "type", "purpose"] { if let v = entry[key] as? String { condition[key] = v } }
                refs.append(ReferenceFactory.make(raw: src, base: url, element: "manifest", attribute: member, line: nil,
                                                  kind: member == "icons" ? .icon : .image, role: .requisite,
                                                  condition: condition.isEmpty ? nil : condition))
            }
        }
        return refs
    }
}
