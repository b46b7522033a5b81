internal import Audit
internal import CrawlModel
internal import Foundation
internal import HTTPSemantics

extension HTMLReport {
    /// Per page: the browser model's headline beside the all-candidates sum, and every
    /// requisite left out of the headline with why.
    /// `audits`: the first pages of `pages`, in URL order.
    static func browserModelSection(_ audits: [PageAudit], of pages: Int, viewport: Viewport, short: (String) -> String) -> String {
        var h = "<h2 id=\"browser-model\">What a browser fetches</h2>\n"
        h += "<p class=\"note\">First-visit bytes count what a browser at \(e(viewport.description)) fetches: one srcset candidate, "
            + "the first supported font format of faces the text uses, backgrounds whose selector matches an element, "
            + "no noscript, track or touch icons. &ldquo;All candidates&rdquo; counts every requisite found.</p>\n"
        h += cut(audits.count, of: pages, "pages") + "<table><thead><tr><th>page</th><th>first visit</th><th>all candidates</th><th>left out</th></tr></thead><tbody>\n"
        for audit in audits {
            h += "<tr><td>\(e(short(audit.url)))</td><td class=\"n\">\(e(ByteSize.format(audit.firstVisitBytes)))</td>"
                + "<td class=\"n\">\(e(ByteSize.format(audit.firstVisitBytesAllCandidates)))</td><td>"
            if audit.notChosen.isEmpty {
                h += "nothing"
            } else {
                h += "<details><summary>\(audit.notChosen.count) requisites</summary><ul>"
                for (url, reason) in audit.notChosen.sorted(by: { $0.key < $1.key }) {
                    // `&#64;`: the report must not read as CSS (`@import` in a reason) to a scanner.
                    h += "<li>\(e(short(url))): \(e(reason).replacingOccurrences(of: "@", with: "&#64;"))</li>"
                }
                h += "</ul></details>"
            }
            h += "</td></tr>\n"
        }
        return h + "</tbody></table>\n"
    }
}
