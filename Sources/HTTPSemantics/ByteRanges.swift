/// What a `Range` header asks of a representation of a known length (RFC 9110 §14).
///
/// A pure function of the header value and the length, so each rule is testable without a socket:
///
/// ```swift
/// ByteRanges.evaluate("bytes=-3", length: 10)   // .partial([7...9])
/// ByteRanges.evaluate("items=0-1", length: 10)  // .ignore (unknown unit)
/// ```
public enum ByteRanges {
    /// Parts beyond this many, after coalescing, are refused with 416 (RFC 9110 §15.5.17
    /// allows refusing "an excessive number of small or overlapping ranges"). With coalescing,
    /// the parts never repeat a byte, so a response is at most the file plus this many part headers.
    public static let maximumParts = 16

    /// Ranges closer than this are merged (§14.1.1 allows coalescing ranges "separated by a gap
    /// that is smaller than the overhead of sending multiple parts"). Zero: only overlapping and
    /// adjacent ranges merge, so a client asking for two separate ranges gets two parts.
    public static let coalescingGap = 0

    /// What the server does with the request's `Range`.
    public enum Outcome: Sendable, Equatable {
        /// No usable Range: serve the whole representation with 200 (no header, an unknown unit,
        /// or an empty representation).
        case ignore
        /// 206 with these inclusive ranges, sorted, coalesced and non-overlapping.
        case partial([ClosedRange<Int>])
        /// 416 with `Content-Range: bytes */length`: invalid, unsatisfiable or too many ranges.
        case unsatisfiable(reason: String)
    }

    /// Evaluates the `Range` header `value` against a representation of `length` bytes.
    public static func evaluate(_ value: String, length: Int) -> Outcome {
        guard let equals = value.firstIndex(of: "=") else { return .unsatisfiable(reason: "no range unit") }
        let unit = HTTPList.trimmingOWS(value[..<equals])
        // §14.2: a range unit the server does not understand is ignored.
        guard unit.lowercased() == "bytes" else { return .ignore }
        if length == 0 { return .ignore }
        var ranges: [ClosedRange<Int>] = []
        var specCount = 0
        for member in value[value.index(after: equals)...].split(separator: ",", omittingEmptySubsequences: false) {
            let spec = HTTPList.trimmingOWS(member)
            if spec.isEmpty { continue }  // empty list elements are allowed (§5.6.1)
            specCount += 1
            guard let dash = spec.firstIndex(of: "-") else { return .unsatisfiable(reason: "range without '-'") }
            let firstText = spec[..<dash], lastText = spec[spec.index(after: dash)...]
            if firstText.isEmpty {
                // Suffix range: the last N bytes; N = 0 is unsatisfiable.
                guard let n = parseDigits(lastText) else { return .unsatisfiable(reason: "invalid suffix range") }
                if n > 0 { ranges.append(max(0, length - n)...(length - 1)) }
            } else {
                guard let first = parseDigits(firstText) else { return .unsatisfiable(reason: "invalid first position") }
                var last = length - 1
                if !lastText.isEmpty {
                    guard let l = parseDigits(lastText) else { return .unsatisfiable(reason: "invalid last position") }
                    // §14.1.1: a range with first > last is invalid.
                    guard first <= l else { return .unsatisfiable(reason: "first position after last") }
                    last = min(l, length - 1)
                }
                if first < length { ranges.append(first...last) }
            }
        }
        if specCount == 0 { return .unsatisfiable(reason: "empty range set") }
        if ranges.isEmpty { return .unsatisfiable(reason: "no range starts before the end of the representation") }
        let merged = coalesce(ranges)
        if merged.count > maximumParts {
            return .unsatisfiable(reason: "\(merged.count) separate ranges (at most \(maximumParts))")
        }
        return .partial(merged)
    }

    /// Sorts and merges overlapping, adjacent and nearly adjacent ranges.
    public static func coalesce(_ ranges: [ClosedRange<Int>]) -> [ClosedRange<Int>] {
        var result: [ClosedRange<Int>] = []
        for r in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = result.last, r.lowerBound <= last.upperBound + 1 + coalescingGap {
                result[result.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
            } else {
                result.append(r)
            }
        }
        return result
    }

    /// Decimal digits only (no sign, no spaces), and not so long that it overflows.
    public static func parseDigits(_ s: Substring) -> Int? {
        guard !s.isEmpty, s.utf8.count <= 18, s.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return Int(s)
    }
}


extension ByteRanges {
    /// `Content-Range` of one part of a 206 (§14.4): `bytes 0-9/100`.
    public static func contentRange(_ range: ClosedRange<Int>, length: Int) -> String {
        "bytes \(range.lowerBound)-\(range.upperBound)/\(length)"
    }

    /// `Content-Range` of a 416 (§15.5.17): `bytes */100`.
    public static func unsatisfiedRange(length: Int) -> String { "bytes */\(length)" }
}
