public import CrawlModel
internal import CrawlStore
public import Foundation
internal import HTTPSemantics

/// The asset graph for Graphviz (`dot -Tsvg graph.dot > graph.svg`): pages as boxes, assets
/// as ellipses coloured by kind, dashed edges for references from inside CSS or manifests,
/// failed URLs in red. Deterministic: nodes and edges sorted.
public enum DOTReport {
    public static func render(result: CrawlResult) -> String {
        let graph = AssetGraphView(result)
        var out = header(result.startURLs)
        for node in graph.nodes { out += line(node) }
        for edge in graph.edges { out += line(edge) }
        return out + "}\n"
    }

    /// Writes the graph of `records` to `url` page by page: nodes and edges are sorted and
    /// deduplicated in scratch SQLite tables, so memory stays bounded whatever the crawl's
    /// size. The same bytes as ``render(result:)``.
    public static func stream(_ records: any CrawlRecords, to url: URL) throws {
        let nodes = try ScratchTable(), edges = try ScratchTable()
        defer { nodes.close(); edges.close() }
        let pageURLs = try records.pageURLs()
        let walker = AssetGraphView.Walker(startURLs: records.startURLs)
        try records.forEachPage { page in
            try walker.walk(page, in: try CrawlResult.slice(of: page, in: records), isPage: { pageURLs.contains($0) },
                            node: { try nodes.insert(($0.isPage ? "0" : "1") + $0.id, value: line($0)) },
                            edge: { try edges.insert($0.from + "\u{1}" + $0.to + "\u{1}" + ($0.nested ? "1" : "0"), value: line($0)) })
        }
        var out = OutputFile(url)
        try out.open()
        out.append(header(records.startURLs))
        try nodes.forEach { try out.write($0) }
        try edges.forEach { try out.write($0) }
        out.append("}\n")
        try out.close()
    }

    static func header(_ startURLs: [String]) -> String {
        "digraph assets {\n"
            + "  graph [rankdir=LR, fontname=\"Helvetica\", label=\"assetcrawl: \(quote(startURLs.first ?? ""))\"];\n"
            + "  node [fontname=\"Helvetica\", fontsize=10, style=filled];\n"
            + "  edge [color=\"#64748b\"];\n"
    }

    static func line(_ node: AssetGraphView.Node) -> String {
        var attributes = [
            "label=\"\(quote(node.id))\\n\(node.kind.rawValue), \(ByteSize.format(node.wireBytes))"
                + (node.failure.map { "\\n\(quote($0))" } ?? "") + "\"",
            "shape=\(node.isPage ? "box" : "ellipse")",
            "fillcolor=\"\(KindPalette.color(node.kind))\"",
        ]
        if node.failure != nil { attributes += ["color=\"#dc2626\"", "penwidth=2", "fontcolor=\"#991b1b\""] }
        return "  \"\(quote(node.id))\" [\(attributes.joined(separator: ", "))];\n"
    }

    static func line(_ edge: AssetGraphView.Edge) -> String {
        "  \"\(quote(edge.from))\" -> \"\(quote(edge.to))\"\(edge.nested ? " [style=dashed]" : "");\n"
    }

    /// Escapes a DOT quoted string.
    static func quote(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: " ")
    }
}

/// One colour per asset kind, shared by the DOT and HTML reports.
enum KindPalette {
    static func color(_ kind: AssetKind) -> String {
        switch kind {
        case .page: "#93c5fd"
        case .stylesheet: "#c4b5fd"
        case .script: "#fcd34d"
        case .image: "#86efac"
        case .font: "#f9a8d4"
        case .icon: "#67e8f9"
        case .manifest: "#fdba74"
        case .media, .track: "#fca5a5"
        default: "#e5e7eb"
        }
    }
}
