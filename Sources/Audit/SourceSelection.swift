/// How a browser picks one of a set of alternatives: `srcset`/`sizes` candidates, `<picture>`
/// sources, `image-set()` options, `@font-face` sources, media sources, manifest icons.
///
/// `srcset`: densities are normalised as the HTML standard says (a `w` descriptor gives
/// width ÷ source size, no descriptor is `1x`, `img src` joins as `1x` when no candidate is
/// `1x` and none has a `w`), sorted, duplicates of a density dropped. The standard leaves the
/// final pick to the browser; Chromium 156 (Debian's) takes the smallest density ≥ the DPR,
/// else the largest. Measured: at 500 CSS px and DPR 2, `400w, 800w, 1600w` with `sizes=100vw`
/// (densities 0.8, 1.6, 3.2) gives 1600w, where the older geometric-mean rule of
/// `html_srcset_parser.cc` would have kept 800w.
public enum SourceSelection {
    /// Image types Chromium decodes (`<source type>`, `image-set(type())`). JPEG XL too: the
    /// Chromium 156 Debian ships picks an `image/jxl` source (checked on the fixture's gallery).
    public static let imageTypes: Set<String> = [
        "image/webp", "image/avif", "image/png", "image/jpeg", "image/jpg", "image/gif", "image/svg+xml", "image/jxl",
        "image/apng", "image/bmp", "image/x-icon", "image/vnd.microsoft.icon",
    ]

    /// Media types Debian's Chromium plays (`<source type>` of `<video>`/`<audio>`), parameters ignored.
    public static let mediaTypes: Set<String> = [
        "video/webm", "video/mp4", "video/ogg", "audio/webm", "audio/mp4", "audio/mpeg", "audio/mp3", "audio/ogg",
        "audio/wav", "audio/x-wav", "audio/wave", "audio/flac", "audio/aac", "application/ogg",
    ]

    /// `@font-face` `format()`s Chromium loads; `embedded-opentype` and `svg` it skips.
    public static let fontFormats: Set<String> = ["woff2", "woff", "truetype", "opentype", "collection", "woff2-variations",
                                                   "woff-variations", "truetype-variations", "opentype-variations"]

    static func essence(_ type: String) -> String {
        (type.split(separator: ";").first.map(String.init) ?? "").trimmingCharacters(in: [" ", "\t"]).lowercased()
    }

    public static func imageTypeSupported(_ type: String) -> Bool { imageTypes.contains(essence(type)) }
    public static func mediaTypeSupported(_ type: String) -> Bool { mediaTypes.contains(essence(type)) }
    public static func fontFormatSupported(_ format: String) -> Bool {
        fontFormats.contains(format.trimmingCharacters(in: [" ", "\"", "'"]).lowercased())
    }

    /// The density a candidate's descriptor gives, or nil when the descriptor is invalid.
    /// `hasWidth` says whether it was a `w` descriptor.
    public static func density(_ descriptor: String?, sourceSize: Double) -> (density: Double, hasWidth: Bool)? {
        guard let descriptor else { return (1, false) }
        var density: Double?
        var width: Double?
        for token in descriptor.lowercased().split(whereSeparator: { $0 == " " }) {
            if token.hasSuffix("w"), let w = Double(token.dropLast()), w > 0, width == nil, density == nil { width = w }
            else if token.hasSuffix("x"), let x = Double(token.dropLast()), x >= 0, density == nil, width == nil { density = x }
            else if token.hasSuffix("h"), Double(token.dropLast()) != nil { continue }
            else { return nil }
        }
        if let width { return (width / max(sourceSize, 1e-9), true) }
        return (density ?? 1, false)
    }

    /// The source size `sizes` gives at this viewport (100vw when absent, `auto` or unmatched).
    public static func sourceSize(_ sizes: String?, viewport: Viewport) -> Double {
        guard let sizes else { return viewport.width }
        for entry in CSSValue.splitTopLevel(sizes, on: ",") {
            let item = entry.trimmingCharacters(in: [" ", "\t", "\n"])
            guard !item.isEmpty else { continue }
            // The size is the last component value: a function call or a word.
            var sizeStart = item.endIndex
            if item.hasSuffix(")"), let open = matchingOpen(item) {
                sizeStart = item[..<open].lastIndex(where: { $0 == " " || $0 == ")" }).map { item.index(after: $0) } ?? item.startIndex
            } else {
                sizeStart = item.lastIndex(of: " ").map { item.index(after: $0) } ?? item.startIndex
            }
            let sizeText = String(item[sizeStart...])
            let conditionText = item[..<sizeStart].trimmingCharacters(in: [" ", "\t", "\n"])
            if sizeText.lowercased() == "auto" { return viewport.width }
            guard let size = CSSValue.length(sizeText, viewport), size >= 0 else { continue }
            if conditionText.isEmpty || MediaQuery.condition(conditionText, viewport: viewport) { return size }
        }
        return viewport.width
    }

    static func matchingOpen(_ text: String) -> String.Index? {
        var depth = 0
        var i = text.endIndex
        while i > text.startIndex {
            i = text.index(before: i)
            if text[i] == ")" { depth += 1 }
            if text[i] == "(" {
                depth -= 1
                if depth == 0 {
                    // Include the function name before the parenthesis.
                    var start = i
                    while start > text.startIndex, text[text.index(before: start)].isLetter || text[text.index(before: start)] == "-" {
                        start = text.index(before: start)
                    }
                    return start
                }
            }
        }
        return nil
    }

    /// Chromium's pick among densities (see the type's documentation): the index into `densities`
    /// of the smallest density ≥ the DPR (the first written on a tie), else of the largest.
    public static func pick(densities: [Double], devicePixelRatio dpr: Double) -> Int? {
        guard !densities.isEmpty else { return nil }
        let order = densities.indices.sorted { densities[$0] < densities[$1] || (densities[$0] == densities[$1] && $0 < $1) }
        return order.first { densities[$0] >= dpr } ?? order.last
    }

    /// `image-set()`: the option with the smallest resolution ≥ the DPR, else the largest (as `srcset`).
    public static func pickResolution(_ resolutions: [Double], devicePixelRatio dpr: Double) -> Int? {
        pick(densities: resolutions, devicePixelRatio: dpr)
    }
}
