/// Precompressed siblings and `Accept-Encoding` negotiation (RFC 9110 §12.5.3).
///
/// For `x.css` the server looks for `x.css.br` and `x.css.gz` next to it. When one exists,
/// every response for `x.css` carries `Vary: Accept-Encoding`, and a client that accepts the
/// coding gets the sibling's bytes with `Content-Encoding`; the ETag is the sibling's own
/// content hash, so each encoding has its own strong ETag.
public enum ContentCoding: String, Sendable, CaseIterable {
    case br
    case gzip

    /// The file name suffix of a precompressed sibling.
    public var fileSuffix: String {
        switch self {
        case .br: return ".br"
        case .gzip: return ".gz"
        }
    }

    /// The coding to send, from the `Accept-Encoding` field lines and the codings available;
    /// nil means identity. Highest q wins; on a tie, `br` before `gzip`. `q=0` refuses a coding;
    /// `*` stands for any coding not named; `x-gzip` is `gzip` (§12.5.3).
    public static func negotiate(_ acceptEncoding: [String], available: [ContentCoding]) -> ContentCoding? {
        if acceptEncoding.isEmpty || available.isEmpty { return nil }
        var named: [String: Double] = [:]
        var star: Double?
        for line in acceptEncoding {
            for member in line.split(separator: ",") {
                let parts = member.split(separator: ";")
                guard let first = parts.first else { continue }
                var name = HTTPList.trimmingOWS(first).lowercased()
                if name.isEmpty { continue }
                if name == "x-gzip" { name = "gzip" }
                var q = 1.0
                for parameter in parts.dropFirst() {
                    let kv = parameter.split(separator: "=", maxSplits: 1)
                    if kv.count == 2, HTTPList.trimmingOWS(kv[0]).lowercased() == "q" {
                        q = Double(HTTPList.trimmingOWS(kv[1])).map { min(max($0, 0), 1) } ?? 0
                    }
                }
                if name == "*" { star = q } else { named[name] = max(named[name] ?? 0, q) }
            }
        }
        var best: (coding: ContentCoding, q: Double)?
        for coding in available {
            let q = named[coding.rawValue] ?? star ?? 0
            if q > 0, q > (best?.q ?? 0) { best = (coding, q) }
        }
        // identity wins only when the client names it with a higher q.
        if let best, let identity = named["identity"], identity > best.q { return nil }
        return best?.coding
    }
}

extension ContentCoding {
    /// The codings a `Content-Encoding` field's lines say were applied, in the order applied
    /// (§8.4): lowercased, `x-gzip` read as `gzip`, `identity` and empty members dropped.
    /// A decoder undoes them last to first.
    public static func applied(_ contentEncoding: [String]) -> [String] {
        HTTPList.members(contentEncoding).map { member in
            let name = member.lowercased()
            return name == "x-gzip" ? "gzip" : name
        }.filter { $0 != "identity" }
    }
}
