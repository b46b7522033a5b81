public import Audit
public import Foundation

/// Budget checks as JUnit XML, the dialect Jenkins and GitLab read (`Schemas/junit.xsd`):
/// one `<testsuite>` per page and one for site-wide checks, one `<testcase>` per check.
///
/// A failed check is a `<failure>` whose message says what to fix, with the offending URLs in
/// its text; a warning passes and lists its findings in `<system-out>`; an unmeasured check is
/// `<skipped>`. Output is deterministic: no timestamps, no host names, `time="0"`.
public enum JUnitReport {
    public static func render(_ outcome: BudgetOutcome, name: String = "assetcrawl") -> String {
        var x = header(CheckDigest(outcome), name: name)
        for (index, suite) in outcome.suites.enumerated() { x += element(suite, index: index) }
        return x + "</testsuites>\n"
    }

    /// Writes the JUnit XML of spooled suites to `url`, one suite at a time: the same bytes as
    /// ``render(_:name:)`` of the same outcome, in bounded memory.
    public static func stream(_ spool: CheckSpool, to url: URL, name: String = "assetcrawl") throws {
        var out = OutputFile(url)
        try out.open()
        out.append(header(try spool.digest(), name: name))
        var index = 0
        try spool.forEach { suite in
            try out.write(element(suite, index: index))
            index += 1
        }
        out.append("</testsuites>\n")
        try out.close()
    }

    static func header(_ digest: CheckDigest, name: String) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuites name=\"\(escape(name))\" tests=\"\(digest.total)\" failures=\"\(digest.count(.failed))\" errors=\"0\" "
            + "skipped=\"\(digest.count(.skipped))\" time=\"0\">\n"
    }

    static func element(_ suite: CheckSuite, index: Int) -> String {
        var x = ""
        let failed = suite.checks.filter { $0.status == .failed }.count
        let skipped = suite.checks.filter { $0.status == .skipped }.count
        let classname = "assetcrawl." + (suite.url == nil ? suite.name : "page")
        x += "  <testsuite name=\"\(escape(suite.name))\" id=\"\(index)\" tests=\"\(suite.checks.count)\" failures=\"\(failed)\" "
            + "errors=\"0\" skipped=\"\(skipped)\" time=\"0\">\n"
        if let url = suite.url {
            x += "    <properties>\n      <property name=\"url\" value=\"\(escape(url))\"/>\n    </properties>\n"
        }
        for check in suite.checks {
            let open = "    <testcase name=\"\(escape(check.name))\" classname=\"\(escape(classname))\" time=\"0\""
            let details = check.offenders.map { "- " + $0 }.joined(separator: "\n")
            switch check.status {
            case .passed:
                x += open + "/>\n"
            case .failed:
                x += open + ">\n      <failure message=\"\(escape(check.message))\" type=\"\(escape(check.name))\">"
                    + escape(([check.message] + (details.isEmpty ? [] : [details])).joined(separator: "\n"), text: true) + "</failure>\n    </testcase>\n"
            case .warning:
                x += open + ">\n      <system-out>" + escape((["warning: " + check.message] + (details.isEmpty ? [] : [details])).joined(separator: "\n"), text: true)
                    + "</system-out>\n    </testcase>\n"
            case .skipped:
                x += open + ">\n      <skipped message=\"\(escape(check.message))\"/>\n    </testcase>\n"
            }
        }
        return x + "  </testsuite>\n"
    }

    /// XML text and attribute escaping; drops characters XML 1.0 cannot carry.
    static func escape(_ s: String, text: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\n": out += text ? "\n" : "&#10;"
            case "\t", "\r": out += "&#\(scalar.value);"
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
