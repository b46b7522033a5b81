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
        /// The graph's order: pages first, then by id.
        static func precedes(_ a: Node, _ b: Node) -> Bool { (a.isPage ? 0 : 1, a.id) < (b.isPage ? 0 : 1, b.id) }
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
        let pageURLs = Set(result.pages.map(\.url))
        let walker = Walker(startURLs: result.startURLs)
        var nodes: [String: Node] = [:]
        var edges = Set<Edge>()
        for page in result.pages {
            walker.walk(page, in: result, isPage: { pageURLs.contains($0) },
                        node: { if nodes[$0.id] == nil { nodes[$0.id] = $0 } }, edge: { edges.insert($0) })
        }
        self.nodes = nodes.values.sorted(by: Node.precedes)
        self.edges = edges.sorted()
    }

    init(nodes: [Node], edges: [Edge]) {
        self.nodes = nodes
        self.edges = edges
    }

    /// Walks one page's part of the graph: the nodes and edges its requisites make.
    struct Walker {
        let origin: String

        init(startURLs: [String]) {
            origin = startURLs.first.map { SiteAudit.origin(of: $0) } ?? ""
        }

        func id(_ url: String) -> String { !origin.isEmpty && url.hasPrefix(origin + "/") ? String(url.dropFirst(origin.count)) : url }

        /// `result` holds at least the page's slice; a node may be reported more than once.
        func walk(_ page: PageResult, in result: CrawlResult, isPage: (String) -> Bool, node: (Node) throws -> Void,
                  edge: (Edge) throws -> Void) rethrows {
            func visit(_ url: String) -> Node {
                let r = result.resources[url], page = isPage(url)
                return Node(id: id(url), url: url, kind: page ? .page : (r?.kind ?? .other), isPage: page,
                            wireBytes: r?.wireBytes ?? 0, failure: r?.failure?.description)
            }
            try node(visit(page.url))
            var stack = page.references.filter(\.isFetchableRequisite).compactMap(\.url).map { (page.url, $0, false) }
            var visited = Set<String>()
            while let (from, to, nested) = stack.popLast() {
                try node(visit(to))
                try edge(Edge(from: id(from), to: id(to), nested: nested))
                guard visited.insert(to).inserted else { continue }
                let target = result.resources[to].map { result.finalURL(of: $0) } ?? to
                for ref in result.subresourceReferences[target] ?? [] where ref.isFetchableRequisite {
                    if let u = ref.url { stack.append((to, u, true)) }
                }
            }
        }
    }
}

/// The first `limit` nodes of the asset graph (in the graph's order) and the edges between
/// them, gathered page by page: what the HTML report draws, bounded whatever the crawl's size.
struct GraphWindow {
    let limit: Int
    let walker: AssetGraphView.Walker
    /// Kept nodes in the graph's order.
    private(set) var nodes: [AssetGraphView.Node] = []
    private var ids = Set<String>()
    private var edges = Set<AssetGraphView.Edge>()
    /// Every node seen, kept or not.
    private var seen = SeenSet()

    init(limit: Int, startURLs: [String]) {
        self.limit = limit
        walker = AssetGraphView.Walker(startURLs: startURLs)
    }

    var total: Int { seen.count }

    mutating func add(_ page: PageResult, in slice: CrawlResult, isPage: (String) -> Bool) {
        let walker = self.walker, limit = self.limit
        walker.walk(page, in: slice, isPage: isPage, node: { node in
            guard seen.insert(node.id) else { return }
            // A node evicted once never comes back: later nodes only push out the largest ones.
            let at = nodes.partitioningIndex { !AssetGraphView.Node.precedes($0, node) }
            guard at < limit else { return }
            nodes.insert(node, at: at)
            ids.insert(node.id)
            if nodes.count > limit { ids.remove(nodes.removeLast().id) }
        }, edge: { edge in
            if ids.contains(edge.from) && ids.contains(edge.to) { edges.insert(edge) }
        })
        if edges.count > 16 * limit { edges = edges.filter { ids.contains($0.from) && ids.contains($0.to) } }
    }

    /// The window as a graph.
    var graph: AssetGraphView {
        AssetGraphView(nodes: nodes, edges: edges.filter { ids.contains($0.from) && ids.contains($0.to) }.sorted())
    }
}

extension SiteAudit {
    /// `scheme://host[:port]` of a URL string, or "" when it has none.
    static func origin(of url: String) -> String {
        guard let u = URL(string: url) else { return "" }
        return WebURL.origin(of: u)
    }
}
