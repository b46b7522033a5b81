internal import CrawlModel
internal import Foundation

/// Web-app manifests (JSON): `icons[].src`, `screenshots[].src` and `shortcuts[].icons[].src`,
/// resolved against the manifest's URL, with `sizes`, `type` and `purpose` as the condition.
/// Icons of one list are alternatives a browser picks from, so they share a candidate group.
enum ManifestExtractor {
    static func extract(_ body: [UInt8], url: URL) -> [Reference] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return [] }
        var refs: [Reference] = []
        var group = 0
        func images(_ list: Any?, member: String, kind: AssetKind, grouped: Bool) {
            guard let entries = list as? [Any] else { return }
            group += 1
            for case let entry as [String: Any] in entries {
                guard let src = entry["src"] as? String else { continue }
                var condition: [String: String] = [:]
                for key in ["sizes", "type", "purpose"] { if let v = entry[key] as? String { condition[key] = v } }
                refs.append(ReferenceFactory.make(raw: src, base: url, element: "manifest", attribute: member, line: nil,
                                                  kind: kind, role: .requisite, condition: condition.isEmpty ? nil : condition,
                                                  candidateGroup: grouped ? group : nil))
            }
        }
        images(object["icons"], member: "icons", kind: .icon, grouped: true)
        images(object["screenshots"], member: "screenshots", kind: .image, grouped: false)
        for case let shortcut as [String: Any] in object["shortcuts"] as? [Any] ?? [] {
            images(shortcut["icons"], member: "shortcuts.icons", kind: .icon, grouped: true)
        }
        return refs
    }
}
