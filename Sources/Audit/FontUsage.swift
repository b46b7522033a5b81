internal import CrawlModel

/// Which `@font-face` families a page's text uses, by the cascade of `font-family` (and
/// `font`) declarations over the page's element tree.
///
/// Each element gets the family list of the matching declaration with the highest
/// specificity (then the latest), else the user agent's (`monospace` for `code`, `pre`,
/// `kbd`, `samp`, `tt`; `system-ui` for form controls), else its parent's. An element with
/// text of its own then uses the first family of its list that has an `@font-face`, and
/// none when a generic family (`sans-serif`, `system-ui`, …) comes first; other names are
/// taken as fonts the machine does not have. A pseudo-element (`::before`, `::after`) of an
/// element that some selector matches uses the family of its own winning declaration (its
/// `content` is taken as present); one in a `style=""` attribute counts as used.
///
/// Not modelled: `font-weight`/`font-style` matching among faces of one family, and
/// `unicode-range` (every face of a used family counts).
public struct FontUsage: Sendable {
    /// One `font-family` declaration, in cascade order.
    public struct Declaration: Sendable {
        public var families: [String]
        /// nil for a `style=""` attribute.
        public var selector: String?
        public init(families: [String], selector: String?) {
            self.families = families
            self.selector = selector
        }
    }

    static let generic: Set<String> = [
        "serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "ui-serif", "ui-sans-serif",
        "ui-monospace", "ui-rounded", "math", "emoji", "fangsong", "-apple-system", "blinkmacsystemfont",
        "inherit", "initial", "unset", "revert", "revert-layer",
    ]

    static let userAgentFamilies: [String: [String]] = [
        "code": ["monospace"], "pre": ["monospace"], "kbd": ["monospace"], "samp": ["monospace"], "tt": ["monospace"],
        "input": ["system-ui"], "button": ["system-ui"], "select": ["system-ui"], "textarea": ["monospace"],
    ]

    /// The `@font-face` families (lower-cased) some text of the page uses.
    ///
    /// - Parameters:
    ///   - faces: the families that have an `@font-face`, lower-cased.
    ///   - matcher: the page's element tree; nil when unknown, and then every face counts as used.
    public static func usedFamilies(declarations: [Declaration], faces: Set<String>, matcher: SelectorMatcher?,
                                    selectors: inout SelectorCache) -> Set<String> {
        guard let matcher else { return faces }
        // Only a face some family list names can be used: with none named, the cascade below
        // finds none (its lists come from the declarations and the user agent's).
        guard declarations.contains(where: { $0.families.contains(where: faces.contains) })
            || userAgentFamilies.values.contains(where: { $0.contains(where: faces.contains) }) else { return [] }
        let elements = matcher.outline.elements
        var used: Set<String> = []
        func firstFace(_ families: [String]) -> String? {
            for family in families {
                if faces.contains(family) { return family }
                if generic.contains(family) { return nil }
            }
            return nil
        }
        // The winning declaration of each element, and of each pseudo-element of an element
        // (`.icon::before` loses to `.icon.brands::before`): (specificity, order, families).
        typealias Winner = (specificity: [Int], order: Int, families: [String])
        var declared: [Int: Winner] = [:]
        var generated: [PseudoElementKey: Winner] = [:]
        for (order, declaration) in declarations.enumerated() {
            guard let selectorText = declaration.selector else {
                if let face = firstFace(declaration.families) { used.insert(face) }
                continue
            }
            guard let list = selectors.parse(selectorText) else { continue }
            for selector in list.selectors {
                let specificity = selector.specificity
                let matching = matcher.matchingElements(selector)
                for index in elements.indices where matching[index] {
                    // Higher specificity wins; on a tie the later declaration.
                    if let pseudo = selector.pseudoElement {
                        let key = PseudoElementKey(element: index, name: pseudo)
                        if let current = generated[key], specificity.lexicographicallyPrecedes(current.specificity) { continue }
                        generated[key] = (specificity, order, declaration.families)
                        continue
                    }
                    if let current = declared[index], specificity.lexicographicallyPrecedes(current.specificity) { continue }
                    declared[index] = (specificity, order, declaration.families)
                }
            }
        }
        for winner in generated.values { if let face = firstFace(winner.families) { used.insert(face) } }
        var computed: [[String]] = []
        computed.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            let families = declared[index]?.families ?? userAgentFamilies[element.name]
                ?? (element.parent >= 0 && element.parent < computed.count ? computed[element.parent] : [])
            let resolved = families == ["inherit"] && element.parent >= 0 ? computed[element.parent] : families
            computed.append(resolved)
            if element.hasText, let face = firstFace(resolved) { used.insert(face) }
        }
        return used
    }
}

/// One pseudo-element of one element, for the cascade of `font-family` on generated content.
struct PseudoElementKey: Hashable {
    var element: Int
    var name: String
}

/// Parsed selector lists by their text, and whether any element of one page matches them;
/// also what the browser model decided for shared documents (``DecisionMemo``).
public struct SelectorCache: Sendable {
    var parsed: [String: SelectorList?] = [:]
    var anyMatch: [String: Bool] = [:]
    var decisions = DecisionMemo()
    public init() {}

    /// Before another page: the parsed selectors are kept, the matches (which belong to one
    /// page's element tree) dropped.
    mutating func startPage() { anyMatch.removeAll(keepingCapacity: true) }

    mutating func parse(_ text: String) -> SelectorList? {
        if let known = parsed[text] { return known }
        let list = SelectorList(text)
        parsed[text] = list
        return list
    }

    /// True when some element can match the selector list; an invalid list matches nothing.
    mutating func matchesAny(_ text: String, _ matcher: SelectorMatcher) -> Bool {
        if let known = anyMatch[text] { return known }
        let result = parse(text)?.matchesAny(matcher) ?? false
        anyMatch[text] = result
        return result
    }
}
