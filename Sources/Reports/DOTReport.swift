public import CrawlModel
internal import Foundation

/// The asset graph for Graphviz (`dot -Tsvg graph.dot > graph.svg`): pages as boxes, assets
/// as ellipses coloured by kind, dashed edges for references from inside CSS or manifests,
/// failed URLs in red. Deterministic: nodes and edges sorted.
public enum DOTReport {
    public static func render(result: CrawlResult) -> String {
        let graph = AssetGraphView(result)
        var out = "digraph assets {\n"
        out += "  graph [rankdir=LR, fontname=\"Helvetica\", label=\"assetcrawl: \(quote(result.startURLs.first ?? ""))\"];\n"
        out += "  node [fontname=\"Helvetica\", fontsize=10, style=filled];\n"
        out += "  edge [color=\"#64748b\"];\n"
        for node in graph.nodes {
            var attributes = [
                "label=\"\(quote(node.id))\\n\(node.kind.rawValue), \(TextReport.formatBytes(node.wireBytes))"
                    + (node.failure.map { "\\n\(quote($0))" } ?? "") + "\"",
                "shape=\(node.isPage ? "box" : "ellipse")",
                "fillcolor=\"\(KindPalette.color(node.kind))\"",
            ]
            if node.failure != nil { attributes += ["color=\"#dc2626\"", "penwidth=2", "fontcolor=\"#991b1b\""] }
            out += "  \"\(quote(node.id))\" [\(attributes.joined(separator: ", "))];\n"
        }
        for edge in graph.edges {
            out += "  \"\(quote(edge.from))\" -> \"\(quote(edge.to))\"\(edge.nested ? " [style=dashed]" : "");\n"
        }
        out += "}\n"
        return out
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
        case .page: "#bfdbfe"
        case .stylesheet: "#c7d2fe"
        case .script: "#fde68a"
        case .image: "#bbf7d0"
        case .font: "#fbcfe8"
        case .icon: "#a5f3fc"
        case .manifest: "#ddd6fe"
        case .media, .track: "#fed7aa"
        default: "#e5e7eb"
        }
    }
}
