/// What a reference points at, as a browser would fetch it.
public enum AssetKind: String, Codable, Sendable, CaseIterable, Comparable {
    case page
    case stylesheet
    case script
    case image
    case font
    case icon
    case manifest
    case media
    case track
    case object
    case frame
    case preload
    case prefetch
    case other

    public static func < (lhs: AssetKind, rhs: AssetKind) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Why a reference matters to a page.
public enum ReferenceRole: String, Codable, Sendable {
    /// Fetched to render the page (a page requisite).
    case requisite
    /// A link the crawler may follow to another page.
    case navigation
    /// Metadata that names a URL but is not fetched by a browser (og:image).
    case metadata
    /// A connection hint (preconnect, dns-prefetch): recorded, never fetched.
    case hint
    /// A lazy-loading hint (`data-src`): fetched by scripts, not by the browser itself.
    case lazy
}

/// One URL found in a document, with where it came from.
public struct Reference: Codable, Sendable, Hashable {
    /// Absolute URL after resolution, or nil when the value is not fetchable.
    public var url: String?
    /// The value as written in the document (entities decoded, whitespace kept).
    public var raw: String
    /// Element name (`img`, `link`, …) or `css` for CSS sources.
    public var element: String
    /// Attribute name (`src`, `srcset`, …) or the CSS construct (`url`, `@import`).
    public var attribute: String
    /// 1-based line in the source document, when known.
    public var line: Int?
    public var kind: AssetKind
    public var role: ReferenceRole
    /// Conditions that decide whether a browser fetches it: media, type, sizes, descriptor.
    public var condition: [String: String]?
    /// Why the reference is not fetched (`data:`, `javascript:`, fragment-only, invalid).
    public var notFetchable: String?
    /// Identifies a group of alternatives of which a browser fetches one (srcset candidates).
    public var candidateGroup: Int?

    public init(
        url: String?, raw: String, element: String, attribute: String, line: Int?,
        kind: AssetKind, role: ReferenceRole, condition: [String: String]? = nil,
        notFetchable: String? = nil, candidateGroup: Int? = nil
    ) {
        self.url = url
        self.raw = raw
        self.element = element
        self.attribute = attribute
        self.line = line
        self.kind = kind
        self.role = role
        self.condition = condition
        self.notFetchable = notFetchable
        self.candidateGroup = candidateGroup
    }

    /// True when the crawler should fetch this reference as a page requisite.
    public var isFetchableRequisite: Bool { role == .requisite && url != nil && notFetchable == nil }
}
