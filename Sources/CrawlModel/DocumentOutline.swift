/// One element of a page as a stylesheet sees it: enough to match the selectors real
/// stylesheets use (type, id, class, attribute, combinators) and to tell where text is.
///
/// Elements a browser with scripting on never puts in the document are left out: the
/// content of `<noscript>` and `<template>`.
public struct OutlineElement: Codable, Sendable, Hashable {
    /// Lower-case element name (`div`, `img`, `svg`).
    public var name: String
    public var id: String?
    /// The `class` attribute's tokens, in order.
    public var classes: [String]
    /// Every attribute but `id`, `class` and `style` as lower-case name, value, name, value…
    /// (for `[attr…]` selectors; a flat list costs one allocation, a dictionary more): read
    /// them with ``attribute(_:)``.
    public var attributes: [String]
    /// Index of the parent element in ``DocumentOutline/elements``, or -1 for a root.
    public var parent: Int
    /// Index of the previous element sibling, or -1 for a first child.
    public var previousSibling: Int
    /// True when the element holds text of its own (not only whitespace) that is rendered.
    public var hasText: Bool

    public init(name: String, id: String? = nil, classes: [String] = [], attributes: [String] = [],
                parent: Int = -1, previousSibling: Int = -1, hasText: Bool = false) {
        self.name = name
        self.id = id
        self.classes = classes
        self.attributes = attributes
        self.parent = parent
        self.previousSibling = previousSibling
        self.hasText = hasText
    }

    /// The value of an attribute (`""` when it has none), or nil when the element lacks it.
    public func attribute(_ name: String) -> String? {
        var i = 0
        while i + 1 < attributes.count {
            if attributes[i] == name { return attributes[i + 1] }
            i += 2
        }
        return nil
    }
}

/// The element tree of a page in document order, collected during the one parse that
/// extracts its references (see `HTMLExtractor`).
public struct DocumentOutline: Codable, Sendable, Hashable {
    public var elements: [OutlineElement]
    public init(elements: [OutlineElement] = []) { self.elements = elements }
}
