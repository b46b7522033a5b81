public import CrawlModel
internal import Foundation
internal import HTTPSemantics

/// A problem in a budget file: the line it is on and what to change.
public struct BudgetError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int?
    public var message: String
    public init(line: Int?, message: String) {
        self.line = line
        self.message = message
    }
    public var description: String { line.map { "line \($0): \(message)" } ?? message }
}

extension Budget {
    /// Reads a budget from JSON text, rejecting unknown keys and wrong types with the line they are on.
    ///
    /// - Throws: `BudgetError` naming the line and what is wrong, e.g.
    ///   `line 7: "maxFirstVisitByte" is not a page rule; did you mean "maxFirstVisitBytes"?`
    public static func decode(_ bytes: [UInt8]) throws(BudgetError) -> Budget {
        let root: JSONValue.Located
        do { root = try JSONValue.parse(bytes) } catch {
            throw BudgetError(line: error.line, message: "\(error.message) (column \(error.column))")
        }
        let members = try object(root, "the budget")
        try checkKeys(members, allowed: ["version", "allowBroken", "pages", "site", "description", "$schema"], in: "the budget")
        var budget = Budget()
        for m in members {
            switch m.key {
            case "version":
                budget.version = try int(m.value, "version")
                guard budget.version == formatVersion else {
                    throw BudgetError(line: m.value.line, message: "unsupported budget version \(budget.version); this assetcrawl reads version \(formatVersion)")
                }
            case "allowBroken":
                budget.allowBroken = try stringList(m.value, "allowBroken")
            case "pages":
                guard case .array(let items) = m.value.value else {
                    throw BudgetError(line: m.value.line, message: "\"pages\" must be a list of objects like {\"match\": \"/**\", \"maxRequests\": 30}")
                }
                for item in items {
                    let fields = try object(item, "a page rule")
                    guard let match = fields.first(where: { $0.key == "match" }) else {
                        throw BudgetError(line: item.line, message: "a page rule needs \"match\", a path glob such as \"/**\" or \"/blog/*\"")
                    }
                    let pattern = try string(match.value, "match")
                    guard pattern.hasPrefix("/") || pattern.hasPrefix("*") else {
                        throw BudgetError(line: match.value.line, message: "\"match\" is a URL path glob and starts with / (e.g. \"/blog/**\"), got \"\(pattern)\"")
                    }
                    let rules = try Self.rules(fields.filter { $0.key != "match" }, in: "a page rule", allowed: ruleKeys + ["match"], line: item.line)
                    budget.pages.append(PageRules(match: pattern, rules: rules))
                }
            case "site":
                budget.site = try rules(try object(m.value, "\"site\""), in: "\"site\"", allowed: ruleKeys, line: m.value.line)
            default:
                break
            }
        }
        return budget
    }

    static let ruleKeys = ["maxFirstVisitBytes", "maxFirstVisitBytesByKind", "maxRequests", "maxRepeatVisitBytes",
                           "noFullRevalidation", "requireValidators", "fingerprintedLongLived", "compressText",
                           "securityHeaders", "noBrokenRequisites", "cdnCacheable", "description"]

    typealias Members = [(key: String, keyLine: Int, value: JSONValue.Located)]

    static func rules(_ members: Members, in context: String, allowed: [String], line: Int) throws(BudgetError) -> Rules {
        try checkKeys(members, allowed: allowed, in: context)
        var r = Rules()
        for m in members {
            let v = m.value
            switch m.key {
            case "maxFirstVisitBytes": r.maxFirstVisitBytes = try size(v, m.key)
            case "maxRequests": r.maxRequests = try int(v, m.key)
            case "maxRepeatVisitBytes": r.maxRepeatVisitBytes = try size(v, m.key)
            case "maxFirstVisitBytesByKind":
                var byKind: [AssetKind: Int] = [:]
                for k in try object(v, "\"maxFirstVisitBytesByKind\"") {
                    guard let kind = AssetKind(rawValue: k.key) else {
                        throw BudgetError(line: k.keyLine, message: "\"\(k.key)\" is not an asset kind; use one of \(AssetKind.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    byKind[kind] = try size(k.value, k.key)
                }
                r.maxFirstVisitBytesByKind = byKind
            case "noFullRevalidation": r.noFullRevalidation = try level(v, m.key)
            case "requireValidators": r.requireValidators = try level(v, m.key)
            case "noBrokenRequisites": r.noBrokenRequisites = try level(v, m.key)
            case "fingerprintedLongLived":
                var f = Fingerprinted()
                if case .object(let fields) = v.value {
                    try checkKeys(fields, allowed: ["level", "minMaxAge", "description"], in: "\"fingerprintedLongLived\"")
                    for x in fields {
                        if x.key == "level" { f.level = try level(x.value, "level") }
                        if x.key == "minMaxAge" { f.minMaxAge = try int(x.value, "minMaxAge") }
                    }
                } else { f.level = try level(v, m.key) }
                r.fingerprintedLongLived = f
            case "cdnCacheable":
                var c = CDNCacheable()
                if case .object(let fields) = v.value {
                    try checkKeys(fields, allowed: ["level", "allow", "description"], in: "\"cdnCacheable\"")
                    for x in fields {
                        if x.key == "level" { c.level = try level(x.value, "level") }
                        if x.key == "allow" { c.allow = try stringList(x.value, "allow") }
                    }
                } else { c.level = try level(v, m.key) }
                r.cdnCacheable = c
            case "compressText":
                var c = Compression()
                if case .object(let fields) = v.value {
                    try checkKeys(fields, allowed: ["level", "minBytes", "description"], in: "\"compressText\"")
                    for x in fields {
                        if x.key == "level" { c.level = try level(x.value, "level") }
                        if x.key == "minBytes" { c.minBytes = try size(x.value, "minBytes") }
                    }
                } else { c.level = try level(v, m.key) }
                r.compressText = c
            case "securityHeaders":
                var s = SecurityHeaders()
                if case .object(let fields) = v.value {
                    try checkKeys(fields, allowed: ["level", "require", "description"], in: "\"securityHeaders\"")
                    for x in fields {
                        if x.key == "level" { s.level = try level(x.value, "level") }
                        if x.key == "require" {
                            s.require = try stringList(x.value, "require")
                            for name in s.require where !SecurityHeaders.known.contains(where: { $0.caseInsensitiveCompare(name) == .orderedSame }) {
                                throw BudgetError(line: x.value.line, message: "\"\(name)\" is not a security header this check knows; use some of \(SecurityHeaders.known.joined(separator: ", "))")
                            }
                        }
                    }
                } else { s.level = try level(v, m.key) }
                r.securityHeaders = s
            default: break
            }
        }
        return r
    }

    static func checkKeys(_ members: Members, allowed: [String], in context: String) throws(BudgetError) {
        for m in members where !allowed.contains(m.key) {
            let suggestion = allowed.min { editDistance($0, m.key) < editDistance($1, m.key) }
                .flatMap { editDistance($0, m.key) <= max(2, m.key.count / 3) ? "; did you mean \"\($0)\"?" : nil }
                ?? "; allowed here: \(allowed.filter { $0 != "description" && $0 != "$schema" }.joined(separator: ", "))"
            throw BudgetError(line: m.keyLine, message: "\"\(m.key)\" is not a key of \(context)\(suggestion)")
        }
    }

    static func object(_ v: JSONValue.Located, _ what: String) throws(BudgetError) -> Members {
        guard case .object(let members) = v.value else { throw BudgetError(line: v.line, message: "\(what) must be a JSON object ({ … })") }
        return members
    }

    static func string(_ v: JSONValue.Located, _ key: String) throws(BudgetError) -> String {
        guard case .string(let s) = v.value else { throw BudgetError(line: v.line, message: "\"\(key)\" must be a string") }
        return s
    }

    static func stringList(_ v: JSONValue.Located, _ key: String) throws(BudgetError) -> [String] {
        guard case .array(let items) = v.value else { throw BudgetError(line: v.line, message: "\"\(key)\" must be a list of strings, e.g. [\"/img/missing.png\"]") }
        var out: [String] = []
        for item in items { out.append(try string(item, key)) }
        return out
    }

    static func int(_ v: JSONValue.Located, _ key: String) throws(BudgetError) -> Int {
        guard case .number(let n) = v.value, n >= 0, n.rounded() == n, n < 1e15 else {
            throw BudgetError(line: v.line, message: "\"\(key)\" must be a whole number ≥ 0")
        }
        return Int(n)
    }

    /// A byte size: a number, or a string ``ByteSize`` parses, like `"150 KB"`, `"1.5 MB"`, `"900 B"` (KB = 1024 bytes).
    static func size(_ v: JSONValue.Located, _ key: String) throws(BudgetError) -> Int {
        if case .string(let s) = v.value {
            do {
                return try ByteSize.parse(s)
            } catch {
                throw BudgetError(line: v.line, message: "\"\(key)\": \(error) (write bytes as a number or a string like \"150 KB\")")
            }
        }
        return try int(v, key)
    }

    static func level(_ v: JSONValue.Located, _ key: String) throws(BudgetError) -> Level {
        switch v.value {
        case .bool(let b): return b ? .error : .off
        case .string(let s):
            if let l = Level(rawValue: s) { return l }
            fallthrough
        default:
            throw BudgetError(line: v.line, message: "\"\(key)\" must be true, false, \"error\", \"warn\" or \"off\"")
        }
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased()), b = Array(b.lowercased())
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var prev = row[0]
            row[0] = i
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let cur = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1))
                prev = cur
            }
        }
        return row[b.count]
    }
}
