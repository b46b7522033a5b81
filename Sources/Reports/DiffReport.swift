public import Audit
public import Foundation
internal import HTTPSemantics

/// The baseline comparison for the terminal and as JSON.
public enum DiffReport {
    public static func render(_ diff: BaselineDiff, checks: CheckSuite, width: Int = 100, colour: Bool = false) -> String {
        var lines: [String] = []
        let pct = { (g: Double) in String(format: "%+.1f%%", g * 100) }
        lines.append("total: \(ByteSize.format(diff.oldTotalBytes)) → \(ByteSize.format(diff.newTotalBytes)) (\(pct(diff.totalGrowth)))")
        func list(_ title: String, _ items: [String]) {
            guard !items.isEmpty else { return }
            lines.append("")
            lines.append("\(title) (\(items.count)):")
            lines += items.prefix(30).map { "  " + $0 }
            if items.count > 30 { lines.append("  … and \(items.count - 30) more (see --json)") }
        }
        list("pages added", diff.pagesAdded)
        list("pages removed", diff.pagesRemoved)
        list("assets added", diff.assetsAdded)
        list("assets removed", diff.assetsRemoved)
        list("page first-visit bytes changed", diff.pageChanges.map {
            "\($0.path): \(ByteSize.format($0.oldBytes)) → \(ByteSize.format($0.newBytes)) (\(pct($0.growth)))"
        })
        list("verdict regressions", diff.verdictRegressions.map { "\($0.path): \($0.probe) \($0.old) → \($0.new)" })
        list("newly broken", diff.newlyBroken)
        var out = lines.map { TextReport.fit($0, width) }.joined(separator: "\n") + "\n"
        let styled = TextReport.checkLines(CheckDigest(BudgetOutcome(suites: [checks])), width: width)
        out += styled.map { colour ? $0.1.apply($0.0) : $0.0 }.joined(separator: "\n") + "\n"
        return out
    }

    /// `{"diff": …, "checks": …}` as sorted-key JSON.
    public static func json(_ diff: BaselineDiff, checks: CheckSuite) throws -> Data {
        struct Document: Encodable { var version = 1; var diff: BaselineDiff; var checks: CheckSuite }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(Document(diff: diff, checks: checks))
        data.append(0x0A)
        return data
    }
}
