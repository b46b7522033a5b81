public import CrawlModel
internal import Foundation

/// What a browser fetches for one page on a first visit, and why it leaves out the rest.
public struct BrowserChoice: Sendable, Hashable {
    /// URLs a browser fetches for the page: the page, then requisites as they are chosen.
    public var chosen: [String]
    /// Requisites found but left out of a browser's first visit, with the reason
    /// (`srcset candidate 480w`, `font format woff`, `selector matches nothing`, `noscript`, …).
    public var notChosen: [String: String]
}

/// A static model of a browser (Chromium, scripting on, at a declared ``Viewport``) choosing
/// among a page's requisites: the headline `firstVisitBytes` counts only what it chooses.
///
/// - Images: `<picture>` sources by `media` and `type`, then `srcset`/`sizes` as
///   ``SourceSelection`` says; `image-set()` by resolution and `type()`.
/// - Media: a `<video>`/`<audio>` `src`, else its first `<source>` of a playable type;
///   nothing with `preload="none"`. Chromium asks with `Range: bytes=0-` and stops after the
///   metadata of a long file; the model counts the whole response (a small file is sent whole).
/// - Fonts: the first `@font-face` source in a supported format, of faces some text uses
///   (``FontUsage``).
/// - CSS `url()`: only in rules whose selector can match an element of the page
///   (``SelectorList``), inside `@media` blocks and stylesheets whose media match.
/// - Left out: `<noscript>` content, `<track>`, touch, mask and fluid icons, manifest
///   screenshots and shortcut icons, `@import`s browsers ignore (after other rules or after
///   `@namespace`), the implicit `/favicon.ico` of a frame.
/// - Counted as Chromium does (checked on the fixture site): every stylesheet whatever its
///   `media` (alternate and print ones too), `preload`, `modulepreload` and `prefetch`, the
///   manifest and one of its icons (the one closest to 192 px), declared icons, and
///   `/favicon.ico` when a page declares no icon.
///
/// ```swift
/// let choice = BrowserModel.choose(page, in: result, viewport: .desktop)
/// ```
public enum BrowserModel {
    /// The choice for one page.
    public static func choose(_ page: PageResult, in result: CrawlResult, viewport: Viewport) -> BrowserChoice {
        var selectors = SelectorCache()
        return choose(page, in: result, viewport: viewport, selectors: &selectors)
    }

    /// The choice for one page, reusing the selectors `selectors` parsed for earlier pages: a
    /// site's pages share their stylesheets, whose selectors need parsing only once.
    /// `requisites`: the page's ``CrawlResult/requisites(of:)`` when the caller has them.
    public static func choose(_ page: PageResult, in result: CrawlResult, viewport: Viewport,
                              selectors: inout SelectorCache, requisites: [String]? = nil) -> BrowserChoice {
        var walk = ModelWalk(result: result, page: page, viewport: viewport)
        // Swapped into the walk and back, never copied: a shared table would be duplicated on write.
        swap(&walk.selectors, &selectors)
        walk.selectors.startPage()
        walk.run()
        swap(&walk.selectors, &selectors)
        var reasons = walk.reasons
        for url in walk.chosen { reasons[url] = nil }
        // What is reached only through something not fetched (an ignored @import's images).
        for url in requisites ?? result.requisites(of: page) where !walk.chosenSet.contains(url) && reasons[url] == nil {
            reasons[url] = "only referenced by what a browser does not fetch"
        }
        return BrowserChoice(chosen: walk.chosen, notChosen: reasons)
    }

    /// The choice for every page of `result`, by page URL, with one selector cache for all:
    /// what ``SiteAudit``, ``Bandwidth`` and the reports share, so each page is modelled once.
    public static func choices(_ result: CrawlResult) -> [String: BrowserChoice] {
        let viewport = viewport(of: result)
        var selectors = SelectorCache()
        var out: [String: BrowserChoice] = [:]
        out.reserveCapacity(result.pages.count)
        for page in result.pages { out[page.url] = choose(page, in: result, viewport: viewport, selectors: &selectors) }
        return out
    }

    /// The page's entry of `choices`, or its choice worked out now when the caller's table lacks it.
    static func choice(of page: PageResult, in result: CrawlResult, from choices: [String: BrowserChoice]) -> BrowserChoice {
        choices[page.url] ?? choose(page, in: result, viewport: viewport(of: result))
    }

    /// The viewport a crawl result declares (`CrawlResult.viewport`), else ``Viewport/desktop``.
    public static func viewport(of records: any CrawlRecords) -> Viewport {
        records.viewport.flatMap { try? Viewport(parsing: $0) } ?? .desktop
    }
}

/// Where a list of references comes from, for the rules that depend on it.
struct DocumentContext {
    /// The page itself (not a frame or a stylesheet of a frame).
    var topLevel: Bool
    /// The element tree selectors match against; nil inside frames (no tree: everything may match).
    var matcher: SelectorMatcher?
    /// Why a stylesheet's own media leave its rules unused, when they do.
    var mediaReason: String?
}

struct ModelWalk {
    let result: CrawlResult
    let page: PageResult
    let viewport: Viewport
    let matcher: SelectorMatcher?
    var selectors: SelectorCache
    var chosen: [String] = []
    var chosenSet: Set<String> = []
    var reasons: [String: String] = [:]
    var usedFamilies: Set<String> = []
    /// The page-dependent questions asked while a ``DecisionMemo`` entry is made; nil otherwise.
    var questions: [DecisionMemo.Question]?

    init(result: CrawlResult, page: PageResult, viewport: Viewport) {
        self.result = result
        self.page = page
        self.viewport = viewport
        selectors = SelectorCache()
        matcher = page.outline.map(SelectorMatcher.init)
    }

    mutating func run() {
        let top = DocumentContext(topLevel: true, matcher: matcher, mediaReason: nil)
        usedFamilies = fontFamiliesUsed(top)
        chosenSet.insert(page.url)
        chosen.append(page.url)
        visit(page.references, top)
    }

    /// The references a fetched document holds (stylesheet, manifest, frame), if any.
    func subresources(of url: String) -> [Reference]? {
        // Only the final URL: mapping the whole resource out of the dictionary copied it.
        let target = result.resources[url]?.exchange.url ?? url
        return result.subresourceReferences[target]
    }

    /// The context of a document reached through `ref` from a document in `context`.
    func childContext(_ ref: Reference, _ context: DocumentContext) -> DocumentContext {
        var child = context
        if ref.kind == .frame || ref.kind == .object {
            child.topLevel = false
            child.matcher = nil
        }
        if ref.kind == .stylesheet, child.mediaReason == nil, let media = ref.condition?["media"],
           !MediaQuery.matches(media, viewport: viewport) {
            child.mediaReason = "stylesheet media \"\(media)\" does not match"
        }
        return child
    }

    /// Walks the documents from `refs` down (stylesheets, frames, manifests), deciding each
    /// reference as a browser would, depth first. Iterative: a page decides how deep its
    /// `@import` chains go, and a recursion that deep overflows the stack.
    mutating func visit(_ refs: [Reference], _ context: DocumentContext) {
        var stack = [(decisions: decisions(refs, context), next: 0, context: context)]
        while let top = stack.indices.last {
            guard stack[top].next < stack[top].decisions.count else { stack.removeLast(); continue }
            let (ref, reason) = stack[top].decisions[stack[top].next]
            let context = stack[top].context
            stack[top].next += 1
            if let reason { reject(ref, reason); continue }
            guard let url = ref.url, chosenSet.insert(url).inserted else { continue }
            chosen.append(url)
            if let children = subresources(of: url) {
                let child = childContext(ref, context)
                stack.append((documentDecisions(url, children, child), 0, child))
            }
        }
    }

    /// ``decisions(_:_:)`` for the document at `url`, from the memo when the page asks its
    /// page-dependent questions with the answers the memo's entry got (``DecisionMemo``).
    mutating func documentDecisions(_ url: String, _ refs: [Reference], _ context: DocumentContext) -> [(Reference, String?)] {
        let key = DecisionMemo.Key(url: url, topLevel: context.topLevel, hasMatcher: context.matcher != nil,
                                   mediaReason: context.mediaReason)
        if let entry = selectors.decisions.entry(key, viewport: viewport),
           entry.questions.allSatisfy({ answers($0, context) }) {
            return entry.decisions
        }
        questions = []
        let made = decisions(refs, context)
        selectors.decisions.store(DecisionMemo.Entry(decisions: made, questions: questions ?? []), for: key)
        questions = nil
        return made
    }

    /// True when the page answers `question` as the memo's entry recorded.
    mutating func answers(_ question: DecisionMemo.Question, _ context: DocumentContext) -> Bool {
        switch question {
        case let .selector(selector, answer):
            guard let matcher = context.matcher else { return false }
            return selectors.matchesAny(selector, matcher) == answer
        case let .family(family, answer):
            return usedFamilies.contains(family) == answer
        }
    }

    /// Whether some element of the page matches `selector`, recorded when a memo entry is being made.
    mutating func matches(_ selector: String, _ matcher: SelectorMatcher) -> Bool {
        let answer = selectors.matchesAny(selector, matcher)
        questions?.append(.selector(selector, answer))
        return answer
    }

    /// Whether the page's text uses `family`, recorded when a memo entry is being made.
    mutating func uses(_ family: String) -> Bool {
        let answer = usedFamilies.contains(family)
        questions?.append(.family(family, answer))
        return answer
    }

    /// What a browser does with each fetchable reference of one document, in the order it
    /// decides them: nil to fetch, else why not; the members of a group of alternatives last.
    mutating func decisions(_ refs: [Reference], _ context: DocumentContext) -> [(Reference, String?)] {
        var out: [(Reference, String?)] = []
        var groups: [Int: [Reference]] = [:]
        var groupOrder: [Int] = []
        for ref in refs where ref.isFetchableRequisite {
            if let reason = reason(for: ref, context) {
                out.append((ref, reason))
            } else if let group = ref.candidateGroup {
                if groups[group] == nil { groupOrder.append(group) }
                groups[group, default: []].append(ref)
            } else {
                out.append((ref, nil))
            }
        }
        for group in groupOrder { out += select(groups[group] ?? []) }
        return out
    }

    mutating func reject(_ ref: Reference, _ reason: String) {
        guard let url = ref.url, reasons[url] == nil else { return }
        reasons[url] = reason
    }

    /// Every stylesheet a browser would fetch for the page, with its context, in cascade order
    /// (depth first, iterative for the same reason as ``visit(_:_:)``).
    mutating func stylesheets(_ refs: [Reference], _ context: DocumentContext, seen: inout Set<String>,
                              into out: inout [(refs: [Reference], context: DocumentContext)]) {
        out.append((refs, context))
        var stack = [(refs: refs, next: 0, context: context)]
        while let top = stack.indices.last {
            guard stack[top].next < stack[top].refs.count else { stack.removeLast(); continue }
            let ref = stack[top].refs[stack[top].next]
            let context = stack[top].context
            stack[top].next += 1
            guard ref.isFetchableRequisite, ref.kind == .stylesheet, let url = ref.url, reason(for: ref, context) == nil,
                  seen.insert(url).inserted, let children = subresources(of: url) else { continue }
            let child = childContext(ref, context)
            out.append((children, child))
            stack.append((children, 0, child))
        }
    }

    /// The `@font-face` families the page's text uses, from every stylesheet it gets.
    mutating func fontFamiliesUsed(_ top: DocumentContext) -> Set<String> {
        var seen: Set<String> = []
        var sheets: [(refs: [Reference], context: DocumentContext)] = []
        stylesheets(page.references, top, seen: &seen, into: &sheets)
        var faces: Set<String> = []
        var declarations: [FontUsage.Declaration] = []
        for (refs, context) in sheets where context.mediaReason == nil {
            for ref in refs {
                if ref.condition?["scripting"] != nil || ref.condition?["inert"] != nil { continue }
                if let media = ref.condition?["atMedia"], !atMediaMatches(media) { continue }
                if ref.kind == .font, let family = ref.condition?["font-family"] { faces.insert(family) }
                if ref.role == .metadata, ref.attribute == "font-family" {
                    declarations.append(FontUsage.Declaration(
                        families: ref.raw.split(separator: ",").map { $0.trimmingCharacters(in: [" "]) },
                        selector: ref.condition?["selector"]))
                }
            }
        }
        return FontUsage.usedFamilies(declarations: declarations, faces: faces, matcher: matcher, selectors: &selectors)
    }

    func atMediaMatches(_ media: String) -> Bool {
        media.components(separatedBy: " && ").allSatisfy { MediaQuery.matches($0, viewport: viewport) }
    }
}
