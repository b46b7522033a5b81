internal import Foundation
internal import CrawlModel

/// Builds a `Reference` from a raw value: resolves it, and marks what is not fetchable.
enum ReferenceFactory {
    static func make(
        raw: String, base: URL, element: String, attribute: String, line: Int?, kind: AssetKind,
        role: ReferenceRole, condition: [String: String]? = nil, candidateGroup: Int? = nil
    ) -> Reference {
        switch WebURL.resolve(raw, against: base) {
        case .url(let url):
            return Reference(url: url.absoluteString, raw: raw, element: element, attribute: attribute, line: line,
                             kind: kind, role: role, condition: condition, candidateGroup: candidateGroup)
        case .notFetchable(let reason):
            return Reference(url: nil, raw: raw, element: element, attribute: attribute, line: line, kind: kind,
                             role: role, condition: condition, notFetchable: reason, candidateGroup: candidateGroup)
        }
    }
}
