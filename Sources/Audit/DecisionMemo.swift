internal import CrawlModel

/// What the browser model decided for the references of one shared document (a stylesheet,
/// a manifest) under one context, kept for the next page that reaches it: most of a
/// document's decisions (fonts by format, manifest icons by size, `@import` validity,
/// `image-set()` candidates) do not depend on the page, and a site's pages share their
/// stylesheets. The few that do are recorded as questions with their answers (does a selector
/// match an element of the page, does its text use a font family); an entry is reused only
/// when every question gets the same answer on the page at hand, so a page gets exactly the
/// decisions it would get without the memo.
///
/// Bounded as ``URLMemo`` is: past ``limit`` entries it starts over.
struct DecisionMemo: Sendable {
    struct Key: Hashable, Sendable {
        var url: String
        var topLevel: Bool
        var hasMatcher: Bool
        var mediaReason: String?
    }

    /// A page-dependent question a document's decisions asked, with the answer they got.
    enum Question: Sendable {
        /// Whether some element of the page matches the selector list.
        case selector(String, Bool)
        /// Whether the page's text uses the `@font-face` family.
        case family(String, Bool)
    }

    struct Entry: Sendable {
        var decisions: [(Reference, String?)]
        var questions: [Question]
    }

    static let limit = 1024
    private var entries: [Key: Entry] = [:]
    /// ``SourceSelection/sourceSize(_:viewport:)`` by `sizes` text: pages share their `sizes`.
    private var sourceSizes: [String: Double] = [:]
    /// The viewport the entries were decided for (a memo serves one viewport).
    private var viewport: Viewport?

    /// Drops what was decided for another viewport.
    private mutating func serve(_ viewport: Viewport) {
        guard self.viewport != viewport else { return }
        entries.removeAll(keepingCapacity: true)
        sourceSizes.removeAll(keepingCapacity: true)
        self.viewport = viewport
    }

    /// The entry for `key` decided at `viewport`, if any.
    mutating func entry(_ key: Key, viewport: Viewport) -> Entry? {
        serve(viewport)
        return entries[key]
    }

    /// Keeps `entry` for `key`; call after ``entry(_:viewport:)`` for the same viewport.
    mutating func store(_ entry: Entry, for key: Key) {
        if entries.count >= Self.limit, entries[key] == nil { entries.removeAll(keepingCapacity: true) }
        entries[key] = entry
    }

    /// ``SourceSelection/sourceSize(_:viewport:)``, worked out once per `sizes` text.
    mutating func sourceSize(_ sizes: String?, viewport: Viewport) -> Double {
        guard let sizes else { return viewport.width }
        serve(viewport)
        if let known = sourceSizes[sizes] { return known }
        let size = SourceSelection.sourceSize(sizes, viewport: viewport)
        if sourceSizes.count >= Self.limit { sourceSizes.removeAll(keepingCapacity: true) }
        sourceSizes[sizes] = size
        return size
    }
}
