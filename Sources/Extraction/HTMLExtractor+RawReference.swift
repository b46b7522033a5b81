internal import CrawlModel
internal import Foundation

extension HTMLExtractor {
    /// A value found during the walk, before resolution (the base URL may come later).
    struct RawReference {
        var element: String
        var rule: Rule
        var raw: String
        var line: Int
        var condition: [String: String]? = nil
        var group: Int? = nil
        /// Conditions the surroundings add to everything a CSS text or srcdoc yields.
        var extra: [String: String]?
        /// `.lazy` inside `<template>`.
        var roleOverride: ReferenceRole?
        var isBase = false

        /// Resolves the value (and parses it as srcset, CSS, refresh or srcdoc) into references.
        func appendReferences(to refs: inout [Reference], context: inout ResolutionContext) {
            let role = roleOverride ?? rule.role
            switch rule.syntax {
            case .url:
                refs.append(ReferenceFactory.make(
                    raw: raw, resolving: context.prepared(raw), base: isBase ? context.documentURL : context.base,
                    resolver: isBase ? nil : context.resolver, element: element,
                    attribute: rule.attribute, line: line, kind: rule.kind, role: role, condition: condition,
                    candidateGroup: group))
            case .srcset:
                for candidate in Srcset.parse(raw) {
                    var cond = condition ?? [:]
                    if let d = candidate.descriptor { cond["descriptor"] = d }
                    refs.append(ReferenceFactory.make(
                        raw: candidate.url, resolving: context.prepared(candidate.url), base: context.base,
                        resolver: context.resolver, element: element, attribute: rule.attribute, line: line,
                        kind: rule.kind, role: role, condition: cond.isEmpty ? nil : cond, candidateGroup: group))
                }
            case .css:
                let origin: CSSExtractor.Origin = rule.attribute == "style" ? .styleAttribute(element: element) : .styleElement
                let first = refs.count
                CSSExtractor.extract(raw, base: context.base, origin: origin, firstLine: line,
                                     groups: &context.groups, resolver: context.resolver, into: &refs)
                if roleOverride != nil || extra?.isEmpty == false {
                    for i in first..<refs.count { refs[i] = adjusted(refs[i]) }
                }
            case .refresh:
                guard let target = MetaRefresh.url(in: raw) else { return }
                refs.append(ReferenceFactory.make(
                    raw: target, resolving: context.prepared(target), base: context.base, resolver: context.resolver,
                    element: element, attribute: rule.attribute, line: line,
                    kind: rule.kind, role: role, condition: condition))
            case .srcdoc:
                // The srcdoc document resolves against this document's base (HTML "about:srcdoc").
                guard context.srcdocDepth < HTMLExtractor.maxSrcdocDepth else { return }
                let nested = HTMLExtractor.extract(Array(raw.utf8), url: context.base, charset: "utf-8",
                                                   srcdocDepth: context.srcdocDepth + 1)
                let offset = context.groups
                var highest = 0
                for var ref in nested {
                    if let g = ref.candidateGroup {
                        ref.candidateGroup = g + offset
                        highest = max(highest, g)
                    }
                    ref.line = line
                    ref.condition = (ref.condition ?? [:]).merging(["srcdoc": element]) { old, _ in old }
                    refs.append(adjusted(ref))
                }
                context.groups += highest
            }
        }

        /// A reference found inside a CSS text or srcdoc, with this element's surroundings applied.
        func adjusted(_ ref: Reference) -> Reference {
            var ref = ref
            if let roleOverride { ref.role = roleOverride }
            if let extra, !extra.isEmpty {
                ref.condition = (ref.condition ?? [:]).merging(extra) { old, _ in old }
            }
            return ref
        }
    }

    /// What resolution needs beyond the raw value, shared by one document's references.
    struct ResolutionContext {
        var documentURL: URL
        var base: URL
        /// The last candidate group used; CSS and srcdoc groups continue from it.
        var groups: Int
        var srcdocDepth: Int
        /// The fast path for `base`.
        let resolver: FastResolver

        /// The document's encoding when it is a legacy one, for the query of its URLs.
        let queryEncoding: String?

        init(documentURL: URL, base: URL, groups: Int, srcdocDepth: Int, queryEncoding: String? = nil) {
            self.documentURL = documentURL
            self.base = base
            self.groups = groups
            self.srcdocDepth = srcdocDepth
            self.queryEncoding = queryEncoding
            resolver = FastResolver(base: base)
        }

        /// The value to resolve: in a legacy-encoded document, the URL standard encodes the
        /// query (only the query) in the document's encoding.
        func prepared(_ raw: String) -> String {
            guard let queryEncoding else { return raw }
            return QueryEncoding.encode(raw, in: queryEncoding)
        }
    }
}

/// Parses the `content` of `<meta http-equiv="refresh">` as HTML's "shared declarative
/// refresh steps" do: `5; url=/next`, `0;URL='x'`, `3, /x`, `3 /x`; a bare `5` reloads the page itself.
enum MetaRefresh {
    static func url(in content: String) -> String? {
        var s = Substring(content).drop { $0.isWhitespace }
        let afterNumber = s.drop { $0.isASCII && ($0.isNumber || $0 == ".") }
        guard afterNumber.startIndex != s.startIndex else { return nil }
        s = afterNumber.drop { $0.isWhitespace }
        if s.first == ";" || s.first == "," { s = s.dropFirst() }
        s = s.drop { $0.isWhitespace }
        if s.lowercased().hasPrefix("url") {
            let afterURL = s.dropFirst(3).drop { $0.isWhitespace }
            if afterURL.first == "=" { s = afterURL.dropFirst().drop { $0.isWhitespace } }
        }
        if let q = s.first, q == "\"" || q == "'" {
            s = s.dropFirst()
            if let end = s.firstIndex(of: q) { s = s[..<end] }
        }
        let url = s.trimmingCharacters(in: .whitespaces)
        return url.isEmpty ? nil : url
    }
}
