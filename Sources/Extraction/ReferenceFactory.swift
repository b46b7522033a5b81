internal import Foundation
internal import CrawlModel

/// Builds a `Reference` from a raw value: resolves it, and marks what is not fetchable.
enum ReferenceFactory {
    /// - Parameters:
    ///   - resolver: the fast path for `base`, when the caller resolves many values against the
    ///     same base; values it declines go through `WebURL.resolve`.
    ///   - resolving: what to resolve when it differs from `raw` (a query in a legacy encoding).
    static func make(
        raw: String, resolving: String? = nil, base: URL, resolver: FastResolver? = nil, element: String, attribute: String,
        line: Int?, kind: AssetKind, role: ReferenceRole, condition: [String: String]? = nil, candidateGroup: Int? = nil
    ) -> Reference {
        let value = resolving ?? raw
        if resolver != nil, FastResolver.isFragmentOnly(value) {
            return Reference(url: nil, raw: raw, element: element, attribute: attribute, line: line, kind: kind,
                             role: role, condition: condition, notFetchable: "fragment-only", candidateGroup: candidateGroup)
        }
        if let url = resolver?.resolve(value) {
            return Reference(url: url, raw: raw, element: element, attribute: attribute, line: line,
                             kind: kind, role: role, condition: condition, candidateGroup: candidateGroup)
        }
        switch WebURL.resolve(value, against: base) {
        case .url(let url) where url.host?.isEmpty == false:
            return Reference(url: url.absoluteString, raw: raw, element: element, attribute: attribute, line: line,
                             kind: kind, role: role, condition: condition, candidateGroup: candidateGroup)
        case .url:
            // WebURL can return an http(s) URL without a host (`https:/x`); nothing can fetch it.
            return Reference(url: nil, raw: raw, element: element, attribute: attribute, line: line, kind: kind,
                             role: role, condition: condition, notFetchable: "invalid URL", candidateGroup: candidateGroup)
        case .notFetchable(let reason):
            return Reference(url: nil, raw: raw, element: element, attribute: attribute, line: line, kind: kind,
                             role: role, condition: condition, notFetchable: reason, candidateGroup: candidateGroup)
        }
    }
}
