public import CrawlModel
internal import Foundation
internal import HTTPSemantics

/// Judges the security headers of an HTML response as OWASP Secure Headers and Mozilla
/// Observatory do (see `docs/HTTP-CONFORMANCE.md`): values, not only presence.
public enum SecurityHeaderCheck {
    /// What is wrong with `required` headers on `exchange`, one line each with what to send instead.
    public static func problems(in exchange: Exchange, required: [String]) -> [String] {
        let headers = exchange.responseHeaders
        let csp = headers.all("Content-Security-Policy").joined(separator: ", ")
        var out: [String] = []
        for name in required.sorted() {
            switch name.lowercased() {
            case "content-security-policy":
                if csp.isEmpty {
                    out.append("no Content-Security-Policy; send e.g. default-src 'self'; object-src 'none'; frame-ancestors 'none'")
                    continue
                }
                let tokens = Set(csp.split(whereSeparator: { $0 == " " || $0 == ";" || $0 == "," }).map { $0.lowercased() })
                let weak = ["'unsafe-inline'", "'unsafe-eval'", "*", "http:"].filter(tokens.contains)
                if !weak.isEmpty {
                    out.append("Content-Security-Policy allows \(weak.joined(separator: ", ")); remove them (use nonces or hashes for inline code)")
                }
            case "x-content-type-options":
                let v = headers.first("X-Content-Type-Options")?.trimmingCharacters(in: .whitespaces).lowercased()
                if v != "nosniff" { out.append(v == nil ? "no X-Content-Type-Options; send X-Content-Type-Options: nosniff" : "X-Content-Type-Options is \"\(v!)\"; send nosniff") }
            case "x-frame-options":
                let v = headers.first("X-Frame-Options")?.trimmingCharacters(in: .whitespaces).uppercased()
                let framed = csp.lowercased().contains("frame-ancestors")
                if !framed && v != "DENY" && v != "SAMEORIGIN" {
                    out.append(v == nil ? "no X-Frame-Options (nor CSP frame-ancestors); send X-Frame-Options: DENY or SAMEORIGIN" : "X-Frame-Options is \"\(v!)\"; send DENY or SAMEORIGIN")
                }
            case "referrer-policy":
                let strict: Set<String> = ["no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"]
                // The last policy a browser understands wins.
                let v = HTTPList.members(headers.all("Referrer-Policy")).map { $0.lowercased() }.last
                if v.map(strict.contains) != true {
                    out.append(v == nil ? "no Referrer-Policy; send Referrer-Policy: strict-origin-when-cross-origin" : "Referrer-Policy \"\(v!)\" leaks URLs; send strict-origin-when-cross-origin or stricter")
                }
            case "strict-transport-security":
                // HSTS is ignored over plain HTTP, so only judged on https responses.
                guard exchange.url.lowercased().hasPrefix("https:") else { continue }
                let maxAge = headers.first("Strict-Transport-Security").flatMap { HTTPList.parameters($0[...])["max-age"] }.flatMap { Int($0) }
                if (maxAge ?? 0) < 31_536_000 {
                    out.append(maxAge == nil ? "no Strict-Transport-Security; send max-age=31536000; includeSubDomains" : "Strict-Transport-Security max-age=\(maxAge!) is under a year; send max-age=31536000")
                }
            default:
                out.append("\(name) is not a header this check knows")
            }
        }
        return out
    }
}
