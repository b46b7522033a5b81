internal import CrawlModel

extension ModelWalk {
    /// Why a browser does not fetch this reference on its own, or nil when it may (a member
    /// of a group of alternatives is then decided by `select(_:)`).
    mutating func reason(for ref: Reference, _ context: DocumentContext) -> String? {
        let cond = ref.condition ?? [:]
        if cond["scripting"] == "disabled" { return "noscript" }
        if cond["inert"] != nil { return "template" }
        if cond["implicit"] == "favicon", !context.topLevel { return "implicit favicon of a frame" }
        if ref.kind == .track { return "track" }
        if let invalid = cond["invalid"] { return invalid }
        if ref.element == "link", let rel = cond["rel"] {
            let tokens = rel.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
            if tokens.contains(where: { $0 == "apple-touch-icon" || $0 == "apple-touch-icon-precomposed" || $0 == "apple-touch-startup-image" }) {
                return "touch icon"
            }
            if tokens.contains("mask-icon") { return "mask icon" }
            if tokens.contains("fluid-icon") { return "fluid icon" }
        }
        if ref.element == "manifest" {
            if ref.attribute == "screenshots" { return "manifest screenshot" }
            if ref.attribute == "shortcuts.icons" { return "manifest shortcut icon" }
        }
        if ref.kind == .media, cond["preload"]?.lowercased() == "none" { return "preload=none" }
        let isCSS = ref.element == "css" || ref.element == "style" || cond["css"] != nil || ref.attribute == "image-set"
        guard isCSS, ref.kind != .stylesheet else { return nil }
        if let mediaReason = context.mediaReason { return mediaReason }
        if let media = cond["atMedia"], !atMediaMatches(media) { return "@media \(media) does not match" }
        if ref.kind != .font, let selector = cond["selector"], let matcher = context.matcher,
           !matches(selector, matcher) {
            return "selector matches nothing"
        }
        return nil
    }

    /// Decides a group of alternatives: nil for the one(s) chosen, else the reason.
    mutating func select(_ group: [Reference]) -> [(Reference, String?)] {
        guard let first = group.first else { return [] }
        if first.kind == .font { return selectFont(group) }
        if first.element == "manifest" { return selectManifestIcon(group) }
        if first.attribute == "image-set" { return selectImageSet(group) }
        if group.contains(where: { $0.kind == .media }) { return selectMedia(group) }
        return selectImage(group)
    }

    mutating func selectFont(_ group: [Reference]) -> [(Reference, String?)] {
        if let family = group.first?.condition?["font-family"], !uses(family) {
            return group.map { ($0, "font face unused: \(family)") }
        }
        var winner: Int?
        return group.enumerated().map { i, ref in
            let format = ref.condition?["format"]
            if winner == nil, format.map(SourceSelection.fontFormatSupported) ?? true {
                winner = i
                return (ref, nil)
            }
            return (ref, "font format \(format ?? "unknown")\(winner == nil ? " not supported" : "")")
        }
    }

    /// Chromium fetches one manifest icon for the page: measured on the fixture, the one whose
    /// size is nearest 192 px at or above 144 px (else the largest).
    func selectManifestIcon(_ group: [Reference]) -> [(Reference, String?)] {
        func size(_ ref: Reference) -> Double {
            let sizes = (ref.condition?["sizes"] ?? "").lowercased()
            if sizes.contains("any") { return 10_000 }
            return sizes.split(separator: " ").compactMap { Double($0.split(separator: "x").first ?? "") }.max() ?? 0
        }
        let sizes = group.map(size)
        let usable = group.indices.filter { ref in
            let purpose = (group[ref].condition?["purpose"] ?? "any").lowercased().split(separator: " ")
            return purpose.contains("any")
        }
        let large = usable.filter { sizes[$0] >= 144 }
        let best = large.min { abs(sizes[$0] - 192) < abs(sizes[$1] - 192) }
            ?? usable.max { sizes[$0] < sizes[$1] }
        return group.enumerated().map { i, ref in (ref, i == best ? nil : "manifest icon \(ref.condition?["sizes"] ?? "") not chosen") }
    }

    func selectImageSet(_ group: [Reference]) -> [(Reference, String?)] {
        let usable = group.indices.filter { group[$0].condition?["type"].map(SourceSelection.imageTypeSupported) ?? true }
        let resolutions = usable.map { CSSValue.resolution(group[$0].condition?["descriptor"] ?? "1x") ?? 1 }
        let best = SourceSelection.pickResolution(resolutions, devicePixelRatio: viewport.devicePixelRatio).map { usable[$0] }
        return group.enumerated().map { i, ref in
            if i == best { return (ref, nil) }
            if !usable.contains(i) { return (ref, "image-set type \(ref.condition?["type"] ?? "") not supported") }
            return (ref, "image-set option \(ref.condition?["descriptor"] ?? "1x")")
        }
    }

    func selectMedia(_ group: [Reference]) -> [(Reference, String?)] {
        if let src = group.firstIndex(where: { $0.element != "source" && $0.kind == .media }) {
            return group.enumerated().map { i, ref in (ref, i == src || ref.kind != .media ? nil : "media element src wins") }
        }
        var winner: Int?
        return group.enumerated().map { i, ref in
            guard ref.kind == .media else { return (ref, nil) }
            if let type = ref.condition?["type"], !SourceSelection.mediaTypeSupported(type) {
                return (ref, "media type \(type) not supported")
            }
            if winner == nil { winner = i; return (ref, nil) }
            return (ref, "media source after the first playable")
        }
    }
}
