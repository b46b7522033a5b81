internal import Audit
internal import CrawlModel
internal import Foundation

/// The asset graph as nodes and edges, for the DOT and HTML reports: pages point at their
/// direct requisites, stylesheets and manifests at what they reference. Sorted, deduplicated.
struct AssetGraphView {
    struct Node: Hashable {
        var id: String
        var url: String
        var kind: AssetKind
        var isPage: Bool
        var wireBytes: Int
        var failure: String?
    }

    struct Edge: Hashable, Comparable {
        var from: String
        var to: String
        /// True when the reference came from inside a stylesheet or manifest.
        var nested: Bool
        static func < (a: Edge, b: Edge) -> Bool { (a.from, a.to) < (b.from, b.to) }
    }

    var nodes: [Node]
    var edges: [Edge]

    init(_ result: CrawlResult) {
        let origin = result.startURLs.first.map { SiteAudit.origin(of: $0) } ?? ""
        func id(_ url: String) -> String { !origin.isEmpty && url.hasPrefix(origin + "/") ? String(url.dropFirst(origin.count)) : url }
        let pageURLs = Set(result.pages.map(\.url))
        var nodes: [String: Node] = [:]
        var edges = Set<Edge>()
        func node(_ url: String) {
            guard nodes[id(url)] == nil else { return }
            let r = result.resources[url]
            nodes[id(url)] = Node(id: id(url), url: url, kind: pageURLs.contains(url) ? .page : (r?.kind ?? .other),
                                  isPage: pageURLs.contains(url), wireBytes: r?.wireBytes ?? 0, failure: r?.failure?.description)
        }
        for page in result.pages {
            node(page.url)
            var stack = page.references.filter(\.isFetchableRequisite).compactMap(\.url).map { (page.url, $0, false) }
            var visited = Set<String>()
            while let (from, to, nested) = stack.popLast() {
                node(to)
                edges.insert(Edge(from: id(from), to: id(to), nested: nested))
                guard visited.insert(to).inserted else { continue }
                let target = result.resources[to].map { result.finalURL(of: $0) } ?? to
                for ref in result.subresourceReferences[target] ?? [] where ref.isFetchableRequisite {
                    if let u = ref.url { stack.append((to, u, true)) }
                }
            }
        }
        self.nodes = nodes.values.sorted { ($0.isPage ? 0 : 1, $0.id) < ($1.isPage ? 0 : 1, $1.id) }
        self.edges = edges.sorted()
    }
}

extension SiteAudit {
    /// `scheme://host[:port]` of a URL string, or "" when it has none.
    static func origin(of url: String) -> String {
        guard let u = URL(string: url) else { return "" }
        return WebURL.origin(of: u)
    }
}
