public import CrawlModel
public import Foundation
internal import HTTPSemantics

/// The one entry point: bytes and their media type in, references out.
public enum Extractor {
    /// What kind of document a media type names, for extraction.
    public enum DocumentType: Sendable, Equatable {
        case html, css, manifest, other
    }

    /// Classifies a `Content-Type` (and the URL's extension when the type is missing or generic).
    public static func documentType(contentType: String?, url: URL) -> DocumentType {
        // Asked of every response whose body may be kept: the essence alone, no parameters.
        documentType(essence: MediaType.essence(of: contentType), url: url)
    }

    /// Classifies a parsed media type: each document's `Content-Type` is parsed once.
    static func documentType(_ media: MediaType?, url: URL) -> DocumentType {
        documentType(essence: media?.essence ?? "", url: url)
    }

    static func documentType(essence: String, url: URL) -> DocumentType {
        switch essence {
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

    /// Extracts references from a document of any supported type, and the element tree of an
    /// HTML one (for the browser model's selector matching), in one parse.
    ///
    /// - Parameter isPage: the document is a top-level page (not a frame): an HTML page that
    ///   declares no icon gets the implicit `/favicon.ico` reference a browser fetches.
    public static func document(in body: [UInt8], contentType: String?, url: URL, isPage: Bool = false) -> ExtractedDocument {
        let media = contentType.map(MediaType.init)
        let type = documentType(media, url: url)
        guard type == .html else {
            return ExtractedDocument(references: references(in: body, type: type, charset: media?.charset, url: url), type: type)
        }
        var document = HTMLExtractor.extractDocument(body, url: url, charset: media?.charset, implicitFavicon: isPage)
        document.type = .html
        return document
    }

    /// Extracts references from a document of any supported type.
    ///
    /// - Parameters:
    ///   - body: the decoded body bytes.
    ///   - contentType: the response's `Content-Type`, if any.
    ///   - url: the document's final URL.
    /// - Returns: references in document order; empty for types that reference nothing.
    public static func references(in body: [UInt8], contentType: String?, url: URL) -> [Reference] {
        let media = contentType.map(MediaType.init)
        return references(in: body, type: documentType(media, url: url), charset: media?.charset, url: url)
    }

    static func references(in body: [UInt8], type: DocumentType, charset: String?, url: URL) -> [Reference] {
        switch type {
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

/// What one parse of a document yields: its references, and for HTML its element tree.
public struct ExtractedDocument: Sendable {
    public var references: [Reference]
    public var outline: DocumentOutline?
    /// What kind of document the body was taken for (from its `Content-Type` and URL).
    public var type: Extractor.DocumentType

    public init(references: [Reference], outline: DocumentOutline? = nil, type: Extractor.DocumentType = .other) {
        self.references = references
        self.outline = outline
        self.type = type
    }
}
