internal import CrawlModel

extension Budget {
    /// `cdnCacheable`: every shared-cache problem of the scope's responses as
    /// `path: CODE (found): send fix`, but those whose path an `allow` glob matches (counted).
    func cdnOffenders(_ scope: Scope, _ rule: CDNCacheable) -> (offenders: [String], allowed: Int) {
        var offenders: [String] = []
        var allowed = 0
        for r in scope.resources {
            let problems = SharedCacheFreshness(r, siteOrigins: scope.siteOrigins).problems
            guard !problems.isEmpty else { continue }
            let path = SiteAudit.path(of: r.url)
            if rule.allow.contains(where: { PathGlob.matches($0, $0.contains("://") ? r.url : path) }) {
                allowed += problems.count
                continue
            }
            offenders += problems.map { "\(path): \($0.code.rawValue) (\($0.found)): send \($0.fix)" }
        }
        return (offenders, allowed)
    }
}
