public import CrawlModel
public import Foundation

/// The rules of one robots.txt for one user agent (RFC 9309).
///
/// The group whose user-agent is the longest match for our product token applies (all
/// groups naming it are merged), else the `*` group; among rules, the longest matching
/// pattern wins and `Allow` wins a tie. `*` matches any run of characters and a final `$`
/// anchors the end.
///
/// ```swift
/// let rules = RobotsRules(parsing: "User-agent: *\nDisallow: /private/", userAgent: "assetcrawl/0.1")
/// rules.allows(URL(string: "https://example.com/private/x")!)  // false
/// ```
public struct RobotsRules: Sendable, Equatable {
    public struct Rule: Sendable, Equatable {
        public var allow: Bool
        public var pattern: String
    }

    public var rules: [Rule]
    /// `Sitemap:` lines, in order.
    public var sitemaps: [String]

    public init(rules: [Rule] = [], sitemaps: [String] = []) {
        self.rules = rules
        self.sitemaps = sitemaps
    }

    /// Everything allowed (robots.txt missing, 4xx).
    public static let allowAll = RobotsRules()
    /// Everything disallowed (robots.txt answered 5xx, RFC 9309 §2.3.1.4).
    public static let disallowAll = RobotsRules(rules: [Rule(allow: false, pattern: "/")])

    /// Everything disallowed because robots.txt was unusable (5xx, or unreachable: DNS,
    /// refused, reset, timeout, TLS), start pages included (RFC 9309 §2.3.1.3–4). `failure`
    /// says which, for the skip reason and the CLI's message.
    public static func unusable(_ failure: RobotsFailure) -> RobotsRules {
        var rules = disallowAll
        rules.unusable = failure
        return rules
    }

    /// Why robots.txt could not be used, when it could not (everything is then disallowed).
    public var unusable: RobotsFailure?

    /// The product token of a User-Agent: `assetcrawl/0.1 (+url)` → `assetcrawl`.
    public static func productToken(_ userAgent: String) -> String {
        String(userAgent.prefix { $0 != "/" && $0 != " " }).lowercased()
    }

    public init(parsing text: String, userAgent: String) {
        let token = Self.productToken(userAgent)
        var groups: [(agents: [String], rules: [Rule])] = []
        var sitemaps: [String] = []
        var lastWasAgent = false
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = rawLine.prefix { $0 != "#" }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "user-agent":
                if lastWasAgent, !groups.isEmpty { groups[groups.count - 1].agents.append(value.lowercased()) }
                else { groups.append((agents: [value.lowercased()], rules: [])) }
                lastWasAgent = true
            case "allow", "disallow":
                lastWasAgent = false
                guard !groups.isEmpty, !value.isEmpty else { continue }
                groups[groups.count - 1].rules.append(Rule(allow: key == "allow", pattern: value))
            case "sitemap":
                if !value.isEmpty { sitemaps.append(value) }
            default:
                lastWasAgent = false
            }
        }
        // The most specific group: the longest agent name that our token starts with.
        var best: String?
        for group in groups {
            for agent in group.agents where agent != "*" {
                let name = Self.productToken(agent)
                if !name.isEmpty, token.hasPrefix(name), name.count > (best?.count ?? 0) { best = name }
            }
        }
        let chosen = best ?? "*"
        let rules = groups.filter { $0.agents.contains { ($0 == "*" ? "*" : Self.productToken($0)) == chosen } }.flatMap(\.rules)
        self.init(rules: rules, sitemaps: sitemaps)
    }

    /// True when the rules let us fetch `url`. `/robots.txt` itself is always allowed.
    public func allows(_ url: URL) -> Bool {
        let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        var target = components?.percentEncodedPath ?? url.path
        if target.isEmpty { target = "/" }
        if target == "/robots.txt" { return true }
        if let query = components?.percentEncodedQuery { target += "?" + query }
        var verdict: (length: Int, allow: Bool)?
        for rule in rules where Self.matches(rule.pattern, target) {
            let length = rule.pattern.utf8.count
            if verdict == nil || length > verdict!.length || (length == verdict!.length && rule.allow) {
                verdict = (length, rule.allow)
            }
        }
        return verdict?.allow ?? true
    }

    /// Pattern match from the start of the path: `*` any run, final `$` the end.
    static func matches(_ pattern: String, _ path: String) -> Bool {
        var p = Array(pattern.utf8)
        let anchored = p.last == UInt8(ascii: "$")
        if anchored { p.removeLast() }
        let s = Array(path.utf8)
        // Iterative wildcard match with backtracking to the last `*`.
        var pi = 0, si = 0
        var star = -1, mark = 0
        while si < s.count {
            if pi < p.count, p[pi] == UInt8(ascii: "*") {
                star = pi
                mark = si
                pi += 1
            } else if pi < p.count, p[pi] == s[si] {
                pi += 1
                si += 1
            } else if pi == p.count, !anchored {
                return true  // prefix match
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                si = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }
}
