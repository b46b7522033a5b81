internal import CrawlModel

extension ModelWalk {
    /// One source set of an image: a `<source>`'s srcset, or the `img`'s (or preload's) own
    /// `src` and `srcset`, with the attributes that decide it.
    struct SourceSet {
        var refs: [Reference] = []
        var isSource: Bool
        var media: String?
        var type: String?
        var sizes: String?
    }

    /// `<picture>`, `img srcset` and `<link rel=preload imagesrcset>`: the first `<source>`
    /// whose `media` matches and whose `type` is supported, else the element's own set; then
    /// one candidate of that set (see ``SourceSelection``).
    mutating func selectImage(_ group: [Reference]) -> [(Reference, String?)] {
        var sets: [SourceSet] = []
        var own = SourceSet(isSource: false)
        for ref in group {
            let cond = ref.condition ?? [:]
            if ref.element == "source" {
                let key = (cond["media"], cond["type"], cond["sizes"])
                if let last = sets.last, last.media == key.0, last.type == key.1, last.sizes == key.2,
                   last.refs.last?.line == ref.line, last.refs.last?.attribute == ref.attribute {
                    sets[sets.count - 1].refs.append(ref)
                } else {
                    sets.append(SourceSet(refs: [ref], isSource: true, media: key.0, type: key.1, sizes: key.2))
                }
            } else {
                own.refs.append(ref)
                own.sizes = own.sizes ?? cond["sizes"] ?? cond["imagesizes"]
            }
        }
        var decisions: [(Reference, String?)] = []
        var chosenSet: SourceSet?
        for set in sets {
            var reason: String?
            if chosenSet != nil {
                reason = "an earlier <source> is used"
            } else if let media = set.media, !MediaQuery.matches(media, viewport: viewport) {
                reason = "source media \"\(media)\" does not match"
            } else if let type = set.type, !SourceSelection.imageTypeSupported(type) {
                reason = "source type \(type) not supported"
            }
            if let reason {
                decisions += set.refs.map { ($0, reason) }
            } else {
                chosenSet = set
            }
        }
        if chosenSet != nil {
            decisions += own.refs.map { ($0, "a <source> is used instead") }
        }
        let set = chosenSet ?? own
        decisions += pickCandidate(set)
        // Keep the group's order.
        return group.map { ref in decisions.first { $0.0 == ref } ?? (ref, nil) }
    }

    /// One candidate of a source set, as Chromium picks it.
    mutating func pickCandidate(_ set: SourceSet) -> [(Reference, String?)] {
        let sourceSize = selectors.decisions.sourceSize(set.sizes, viewport: viewport)
        var candidates: [(ref: Reference, density: Double)] = []
        var invalid: [Reference] = []
        let srcset = set.refs.filter { $0.attribute == "srcset" || $0.attribute == "imagesrcset" }
        let plain = set.refs.filter { $0.attribute != "srcset" && $0.attribute != "imagesrcset" }
        var hasWidth = false
        for ref in srcset {
            guard let d = SourceSelection.density(ref.condition?["descriptor"], sourceSize: sourceSize) else {
                invalid.append(ref)
                continue
            }
            hasWidth = hasWidth || d.hasWidth
            candidates.append((ref, d.density))
        }
        // img src joins as 1x unless a candidate is 1x or any has a width descriptor.
        var ignoredPlain: [Reference] = []
        if let src = plain.first {
            if !hasWidth, !candidates.contains(where: { $0.density == 1 }) {
                candidates.append((src, 1))
            } else {
                ignoredPlain.append(src)
            }
            ignoredPlain += plain.dropFirst()
        }
        let best = SourceSelection.pick(densities: candidates.map(\.density), devicePixelRatio: viewport.devicePixelRatio)
        var out: [(Reference, String?)] = []
        for (i, c) in candidates.enumerated() {
            out.append((c.ref, i == best ? nil : "srcset candidate \(c.ref.condition?["descriptor"] ?? "src 1x")"))
        }
        out += invalid.map { ($0, "srcset candidate with an invalid descriptor") }
        out += ignoredPlain.map { ($0, "src (a srcset candidate is chosen)") }
        return out
    }
}
