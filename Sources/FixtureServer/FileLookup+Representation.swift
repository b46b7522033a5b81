internal import Foundation
internal import NIOCore
internal import NIOHTTP1
internal import HTTPSemantics

extension FileLookup {
    /// The headers a 304 carries (RFC 9110 §15.4.5): those a cache needs to update its stored
    /// response, as the 200 would have had them. Last-Modified only when there is no ETag.
    static let notModifiedHeaders: Set<String> = ["etag", "cache-control", "expires", "vary", "content-location"]

    /// Everything about a representation's responses that does not depend on the request.
    func makeRepresentation(relativePath: String, coding: ContentCoding?, negotiated: Bool, path: String, stat st: stat,
                            entry: ContentHashCache.Entry, fault active: (fault: Fault, serial: Int)?) -> Representation {
        let fault = active?.fault
        let hash = entry.hash
        let now = requestSecond
        // Validators: a strong ETag from the served bytes (so each encoding has its own) and
        // Last-Modified from their mtime, never later than Date; unless a fault says otherwise.
        var etag: EntityTag? = EntityTag(opaque: hash)
        var lastModified: Int? = min(st.st_mtim.tv_sec, now)
        switch fault?.validators {
        case .none?: etag = nil; lastModified = nil
        case .weak?: etag = EntityTag(opaque: hash, weak: true); lastModified = nil
        case .changing?: etag = EntityTag(opaque: "\(hash)-\(active?.serial ?? 0)")
        case .lastModifiedOnly?: etag = nil
        case .etagOnly?: lastModified = nil
        case nil: break
        }

        // Headers in a fixed order: validators, the policy's, Vary.
        let policyHeaders = policyHeaders(for: relativePath)
        let etagText = etag.map { $0 == EntityTag(opaque: hash) ? entry.quotedHash : $0.description }
        let lastModifiedText = lastModified.map { $0 == st.st_mtim.tv_sec ? entry.lastModified : HTTPDate.format($0) }
        var vary = policyHeaders.vary
        // Vary whenever the encoding is negotiated, whichever was chosen (RFC 9110 §12.5.5).
        if negotiated, policyHeaders.varyAcceptEncoding { vary = vary.map { $0 + ", Accept-Encoding" } ?? "Accept-Encoding" }
        var headers = HTTPHeaders()
        headers.reserveCapacity(policyHeaders.all.count + 9)
        if let etagText { headers.add(name: "ETag", value: etagText) }
        if let lastModifiedText { headers.add(name: "Last-Modified", value: lastModifiedText) }
        headers.add(contentsOf: policyHeaders.all)
        if let vary { headers.add(name: "Vary", value: vary) }

        // A 304 carries only what a cache needs to update its stored response (§15.4.5);
        // Last-Modified only when there is no ETag.
        var notModified = HTTPHeaders()
        if fault?.drop304Headers != true {
            if let etagText { notModified.add(name: "ETag", value: etagText) }
            notModified.add(contentsOf: policyHeaders.notModified)
            if let vary { notModified.add(name: "Vary", value: vary) }
        }
        if etag == nil, let lastModifiedText { notModified.add(name: "Last-Modified", value: lastModifiedText) }

        let size = Int(st.st_size)
        let contentType = context.policy.contentType(forPath: relativePath)
        headers.add(name: "Accept-Ranges", value: "bytes")
        if let coding { headers.add(name: "Content-Encoding", value: coding.rawValue) }
        if let encoding = fault?.contentEncoding { headers.add(name: "Content-Encoding", value: encoding) }
        var ok = headers
        ok.add(name: "Content-Type", value: contentType)
        ok.add(name: "Content-Length", value: String(max(0, size + (fault?.contentLengthDelta ?? 0))))
        return Representation(
            relativePath: relativePath, coding: coding, negotiated: negotiated, path: path, key: ContentHashCache.key(st), size: size,
            bytes: entry.bytes, etag: etag, lastModified: lastModified, contentType: contentType,
            headers: headers, okHeaders: ok, notModifiedHeaders: notModified
        )
    }

    /// The policy's headers for a path: all of them but Vary, the subset a 304 carries, and
    /// Vary on its own (negotiation may add to it).
    struct PolicyHeaders {
        var all: [(String, String)] = []
        var notModified: [(String, String)] = []
        var vary: String?
        /// ServerPolicy.Rule.varyAcceptEncoding.
        var varyAcceptEncoding = true
    }

    /// The policy's headers for a path, cached per connection by path and by the rules that
    /// match it (a crawl asks for each path once or twice; most paths match the same rules).
    func policyHeaders(for path: String) -> PolicyHeaders {
        if let hit = cachedPolicyHeaders(path) { return hit }
        let matching = context.policy.headerRules(for: path)
        if let shared = cachedPolicyHeaders(rules: matching) {
            cachePolicyHeaders(shared, for: path)
            return shared
        }
        var headers = context.policy.headers(ofRules: matching)
        if context.isTLS {
            if let hsts = context.policy.effectiveStrictTransportSecurity,
               !headers.contains(where: { $0.0.lowercased() == "strict-transport-security" }) {
                headers.append(("Strict-Transport-Security", hsts))
            }
        } else {
            // HSTS over plain HTTP is meaningless (RFC 6797 §7.2): never send it.
            headers.removeAll { $0.0.lowercased() == "strict-transport-security" }
        }
        var result = PolicyHeaders()
        result.varyAcceptEncoding = context.policy.varyAcceptEncoding(ofRules: matching)
        for (name, value) in headers {
            let lower = name.lowercased()
            if lower == "vary" {
                result.vary = value
            } else {
                result.all.append((name, value))
                if Self.notModifiedHeaders.contains(lower) { result.notModified.append((name, value)) }
            }
        }
        cachePolicyHeaders(result, for: path, rules: matching)
        return result
    }
}
