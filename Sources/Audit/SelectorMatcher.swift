public import CrawlModel

/// Matches ``ComplexSelector``s against one ``DocumentOutline``, right to left, with the
/// sibling and child lists worked out once.
public struct SelectorMatcher: Sendable {
    let outline: DocumentOutline
    /// Next element sibling of each element, or -1.
    let nextSibling: [Int]
    /// Whether each element has element children.
    let hasChildren: [Bool]

    public init(_ outline: DocumentOutline) {
        self.outline = outline
        var next = Array(repeating: -1, count: outline.elements.count)
        var children = Array(repeating: false, count: outline.elements.count)
        for (i, e) in outline.elements.enumerated() {
            if e.previousSibling >= 0 { next[e.previousSibling] = i }
            if e.parent >= 0 { children[e.parent] = true }
        }
        nextSibling = next
        hasChildren = children
    }

    /// True when the element at `index` can match `selector` (see ``matchingElements(_:)``
    /// to ask for every element at once).
    public func matches(_ selector: ComplexSelector, _ index: Int) -> Bool {
        matchingElements(selector)[index]
    }

    /// Which elements can match `selector`, one flag per element of the outline.
    ///
    /// One pass per compound, right to left: the elements where the selector's suffix from
    /// compound `s` matches, from those of compound `s + 1`. Time is compounds × elements and
    /// no recursion: a stylesheet decides how long a selector is, and right-to-left matching
    /// with backtracking was exponential in it (`.a .a .a … .a` over nested `.a` elements)
    /// and as deep.
    public func matchingElements(_ selector: ComplexSelector) -> [Bool] {
        let elements = outline.elements
        let count = elements.count
        guard let last = selector.compounds.indices.last else { return Array(repeating: false, count: count) }
        var matched = elements.indices.map { matches(selector.compounds[last], $0) }
        var step = last - 1
        while step >= 0, matched.contains(true) {
            // Elements related to one that matches the suffix from step + 1. The outline is in
            // document order: parents and earlier siblings come before an element.
            let suffix = matched
            var related = Array(repeating: false, count: count)
            for i in 0..<count {
                let element = elements[i]
                switch selector.combinators[step] {
                case .child:
                    related[i] = element.parent >= 0 && suffix[element.parent]
                case .descendant:
                    let p = element.parent
                    related[i] = p >= 0 && (suffix[p] || (p < i && related[p]))
                case .nextSibling:
                    related[i] = element.previousSibling >= 0 && suffix[element.previousSibling]
                case .subsequentSibling:
                    let p = element.previousSibling
                    related[i] = p >= 0 && (suffix[p] || (p < i && related[p]))
                }
            }
            for i in 0..<count { matched[i] = related[i] && matches(selector.compounds[step], i) }
            step -= 1
        }
        return step < 0 ? matched : Array(repeating: false, count: count)
    }

    func matches(_ compound: Compound, _ index: Int) -> Bool {
        let element = outline.elements[index]
        if let type = compound.type, type != element.name { return false }
        for simple in compound.simple where !matches(simple, element, index) { return false }
        return true
    }

    func matches(_ simple: Compound.Simple, _ element: OutlineElement, _ index: Int) -> Bool {
        switch simple {
        case .id(let id): return element.id == id
        case .className(let name): return element.classes.contains(name)
        case .attribute(let name, let op, let value, let insensitive):
            let actual: String?
            switch name {
            case "id": actual = element.id
            case "class": actual = element.classes.isEmpty ? nil : element.classes.joined(separator: " ")
            default: actual = element.attribute(name)
            }
            guard var actual else { return false }
            guard let op else { return true }
            var expected = value
            if insensitive { actual = actual.lowercased(); expected = expected.lowercased() }
            switch op {
            case "=": return actual == expected
            case "~=": return actual.split(whereSeparator: \.isWhitespace).contains { $0 == expected }
            case "|=": return actual == expected || actual.hasPrefix(expected + "-")
            case "^=": return !expected.isEmpty && actual.hasPrefix(expected)
            case "$=": return !expected.isEmpty && actual.hasSuffix(expected)
            case "*=": return !expected.isEmpty && actual.contains(expected)
            default: return false
            }
        case .not(let list):
            // `:not(:hover)` may be true too: only a selector that cannot vary rules an element out.
            return !list.contains { !$0.isDynamic && matches($0, index) }
        case .isAny(let list, _):
            return list.contains { matches($0, index) }
        case .has(let list):
            return list.contains { relative in descendants(of: index).contains { matches(relative, $0) } }
        case .nth(let a, let b, let ofType, let fromEnd):
            if a == -1 && b == -1 {
                return position(index, ofType: ofType, fromEnd: false) == 1 && position(index, ofType: ofType, fromEnd: true) == 1
            }
            let n = position(index, ofType: ofType, fromEnd: fromEnd)
            if a == 0 { return n == b }
            let k = (n - b)
            return k % a == 0 && k / a >= 0
        case .root: return element.parent < 0 && element.name == "html"
        case .empty: return !hasChildren[index] && !element.hasText
        case .link: return (element.name == "a" || element.name == "area") && element.attribute("href") != nil
        case .possibly: return true
        case .never: return false
        }
    }

    /// 1-based position among the element's siblings (of its type), from the start or the end.
    func position(_ index: Int, ofType: Bool, fromEnd: Bool) -> Int {
        let name = outline.elements[index].name
        var n = 1
        var s = fromEnd ? nextSibling[index] : outline.elements[index].previousSibling
        while s >= 0 {
            if !ofType || outline.elements[s].name == name { n += 1 }
            s = fromEnd ? nextSibling[s] : outline.elements[s].previousSibling
        }
        return n
    }

    /// Every descendant of an element, in document order (they follow it contiguously).
    func descendants(of index: Int) -> [Int] {
        var out: [Int] = []
        var i = index + 1
        while i < outline.elements.count {
            var a = outline.elements[i].parent
            while a >= 0, a != index, a > index { a = outline.elements[a].parent }
            guard a == index else { break }
            out.append(i)
            i += 1
        }
        return out
    }
}

extension ComplexSelector {
    /// True when it holds a pseudo-class that can change after load (`:hover`, `:checked`…).
    var isDynamic: Bool {
        compounds.contains { compound in
            compound.simple.contains { simple in
                switch simple {
                case .possibly: true
                case .not(let l), .isAny(let l, _), .has(let l): l.contains(where: \.isDynamic)
                default: false
                }
            }
        }
    }
}
