internal import CrawlModel

/// A parsed CSS selector list (Selectors Level 4, the parts real stylesheets use), matched
/// against a page's ``DocumentOutline`` by `matches(_:in:)`.
///
/// Supported: type and universal selectors (namespace prefixes dropped), `#id`, `.class`,
/// attribute selectors with every operator and the `i`/`s` flags, the four combinators,
/// `:not()`, `:is()`, `:where()`, `:has()`, structural pseudo-classes (`:first-child`,
/// `:nth-child(2n+1)`, `:only-of-type`, `:root`, `:empty`…), and pseudo-elements, which match
/// their element. User-action and state pseudo-classes (`:hover`, `:focus`, `:checked`, …)
/// may become true, so they count as matching. `:visited` never carries a background.
/// A selector Chromium rejects (`-moz-`/`-ms-` pseudo-classes, bad syntax) invalidates its
/// whole list, as in browsers.
///
/// ```swift
/// let list = SelectorList("nav > a:hover, .hero img")
/// list?.matchesAny(SelectorMatcher(outline))
/// ```
public struct SelectorList: Sendable, Hashable {
    public var selectors: [ComplexSelector]

    /// Parses a selector list; nil when it is invalid (the rule then applies to nothing).
    public init?(_ text: String) {
        var parsed: [ComplexSelector] = []
        for part in CSSValue.splitTopLevel(text, on: ",") {
            guard let complex = ComplexSelector(part) else { return nil }
            parsed.append(complex)
        }
        guard !parsed.isEmpty else { return nil }
        selectors = parsed
    }

    /// True when some element of the matcher's outline can match some selector of the list.
    public func matchesAny(_ matcher: SelectorMatcher) -> Bool {
        selectors.contains { matcher.matchingElements($0).contains(true) }
    }
}

/// Compound selectors joined by combinators, stored right to left as matching walks them.
public struct ComplexSelector: Sendable, Hashable {
    public enum Combinator: Sendable, Hashable { case descendant, child, nextSibling, subsequentSibling }

    /// The rightmost compound first; `combinators[i]` joins `compounds[i]` to `compounds[i + 1]`.
    public var compounds: [Compound]
    public var combinators: [Combinator]
    /// True when it ends in `::before`, `::after` or another pseudo-element.
    public var hasPseudoElement: Bool { pseudoElement != nil }
    /// The pseudo-element it selects (`before`, `after`, …), lower-cased.
    public var pseudoElement: String?

    /// (ids, classes/attributes/pseudo-classes, types/pseudo-elements).
    public var specificity: [Int] {
        compounds.reduce([0, 0, 0]) { acc, c in zip(acc, c.specificity).map { $0 + $1 } }
    }

    init?(_ text: String) {
        var scanner = SelectorScanner(text)
        var compounds: [Compound] = []
        var combinators: [Combinator] = []
        var pseudoElement: String?
        scanner.skipSpaces()
        while !scanner.atEnd {
            guard let compound = scanner.compound() else { return nil }
            if compound.pseudoElement { pseudoElement = compound.pseudoElementName }
            compounds.append(compound)
            let hadSpace = scanner.skipSpaces()
            if scanner.atEnd { break }
            switch scanner.peek {
            case ">": scanner.advance(); combinators.append(.child)
            case "+": scanner.advance(); combinators.append(.nextSibling)
            case "~": scanner.advance(); combinators.append(.subsequentSibling)
            default:
                guard hadSpace else { return nil }
                combinators.append(.descendant)
            }
            scanner.skipSpaces()
            if scanner.atEnd { return nil }
        }
        guard !compounds.isEmpty, combinators.count == compounds.count - 1 else { return nil }
        self.compounds = compounds.reversed()
        self.combinators = combinators.reversed()
        self.pseudoElement = pseudoElement
    }
}

/// One compound selector: a type and simple selectors that all apply to one element.
public struct Compound: Sendable, Hashable {
    /// Lower-case type name, or nil for `*` or none.
    public var type: String?
    public var simple: [Simple] = []
    public var pseudoElement = false
    /// The pseudo-element's name when `pseudoElement` (`before`, `after`, …).
    public var pseudoElementName: String?

    public indirect enum Simple: Sendable, Hashable {
        case id(String)
        case className(String)
        case attribute(name: String, op: String?, value: String, caseInsensitive: Bool)
        case not([ComplexSelector])
        case isAny([ComplexSelector], specificity: Bool)
        case has([ComplexSelector])
        /// `:nth-child(a n + b)` and friends; `ofType` for the `-of-type` ones, `fromEnd` for `-last-`.
        case nth(a: Int, b: Int, ofType: Bool, fromEnd: Bool)
        case root, empty, link
        /// May become true (`:hover`, `:focus`, `:checked`, unknown ones).
        case possibly
        /// Never true for fetching purposes (`:visited`).
        case never
    }

    var specificity: [Int] {
        var s = [0, 0, type == nil ? 0 : 1]
        if pseudoElement { s[2] += 1 }
        for simple in self.simple {
            switch simple {
            case .id: s[0] += 1
            case .not(let list), .has(let list), .isAny(let list, true):
                let best = list.map(\.specificity).max { $0.lexicographicallyPrecedes($1) } ?? [0, 0, 0]
                s = zip(s, best).map { $0 + $1 }
            case .isAny(_, false): break
            default: s[1] += 1
            }
        }
        return s
    }
}
