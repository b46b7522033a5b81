public import CrawlModel
internal import Foundation
internal import HTTPSemantics

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
                "label=\"\(quote(node.id))\\n\(node.kind.rawValue), \(ByteSize.format(node.wireBytes))"
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
