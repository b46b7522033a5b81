/// How a store keeps skip and stop reasons: a code, then its parameters, separated by tabs
/// (`maxPages\t1000`, `robotsUnusable\tnotFetched\ttls\tcertificate expired`). A string
/// parameter is always the last one, so it may hold any character. Text that is not in this
/// form (a store written before it, which kept the report's words) is read back as the case
/// whose words it is, or else as `.recorded(text)`, shown as written.
extension SkipReason: StoredAsText {
    public var stored: String {
        switch self {
        case .disallowedByRobots, .notIncluded, .excluded, .otherOrigin: code
        case .robotsUnusable(let failure): "robotsUnusable\t" + failure.stored
        case .tooDeep(let n), .pastMaxPages(let n), .urlTooLong(let n): "\(code)\t\(n)"
        case .repeatingSegments(let segment, let times): "\(code)\t\(times)\t\(segment)"
        case .queryExplosion(let text, let n), .tooManyImports(let text, let n), .tooManyRequisites(let text, let n): "\(code)\t\(n)\t\(text)"
        case .recorded(let text): "recorded\t" + text
        }
    }

    /// Reads ``stored``, or the words of an older store.
    public init(stored text: String) {
        var fields = StoredFields(text)
        let decoded: SkipReason? = switch fields.word() {
        case "robots": .disallowedByRobots
        case "notIncluded": .notIncluded
        case "excluded": .excluded
        case "otherOrigin": .otherOrigin
        case "robotsUnusable": RobotsFailure(stored: fields.rest()).map(SkipReason.robotsUnusable)
        case "maxDepth": fields.int().map(SkipReason.tooDeep)
        case "maxPages": fields.int().map(SkipReason.pastMaxPages)
        case "trapLongURL": fields.int().map(SkipReason.urlTooLong)
        case "trapRepeatingSegments": fields.int().map { .repeatingSegments(segment: fields.rest(), times: $0) }
        case "trapQueryExplosion": fields.int().map { .queryExplosion(path: fields.rest(), limit: $0) }
        case "maxImports": fields.int().map { .tooManyImports(page: fields.rest(), limit: $0) }
        case "maxRequisites": fields.int().map { .tooManyRequisites(page: fields.rest(), limit: $0) }
        case "recorded": .recorded(fields.rest())
        default: nil
        }
        self = decoded ?? Self.legacy(text)
    }

    /// The case whose words `text` is (what stores kept before ``stored``), checked by writing it again.
    static func legacy(_ text: String) -> SkipReason {
        let n = StoredFields.integers(in: text).first ?? 0
        var candidates: [SkipReason] = [.disallowedByRobots, .notIncluded, .excluded, .otherOrigin, .tooDeep(maxDepth: n),
                                        .pastMaxPages(maxPages: n), .urlTooLong(limit: n), .robotsUnusable(.status(n)),
                                        .robotsUnusable(.notFetched(nil))]
        let prefix = "robots.txt could not be fetched (", suffix = "), so RFC 9309 allows nothing"
        if text.hasPrefix(prefix), text.hasSuffix(suffix), let error = FetchError(described: String(text.dropFirst(prefix.count).dropLast(suffix.count))) {
            candidates.append(.robotsUnusable(.notFetched(error)))
        }
        return candidates.first { $0.description == text } ?? .recorded(text)
    }
}

extension RobotsFailure {
    /// `notFetched[\tCODE\tMESSAGE]`, `cutOff\tSTATUS\tCODE\tMESSAGE` or `status\tSTATUS`.
    var stored: String {
        switch self {
        case .notFetched(let error): "notFetched" + (error.map { "\t\($0.code.rawValue)\t\($0.message)" } ?? "")
        case .cutOff(let status, let error): "cutOff\t\(status)\t\(error.code.rawValue)\t\(error.message)"
        case .status(let status): "status\t\(status)"
        }
    }

    init?(stored text: String) {
        var fields = StoredFields(text)
        switch fields.word() {
        case "notFetched":
            if fields.isEmpty { self = .notFetched(nil); return }
            guard let code = fields.word().flatMap(FetchError.Code.init(rawValue:)) else { return nil }
            self = .notFetched(FetchError(code, fields.rest()))
        case "cutOff":
            guard let status = fields.int(), let code = fields.word().flatMap(FetchError.Code.init(rawValue:)) else { return nil }
            self = .cutOff(status: status, FetchError(code, fields.rest()))
        case "status":
            guard let status = fields.int() else { return nil }
            self = .status(status)
        default:
            return nil
        }
    }
}

extension FetchError {
    /// Reads back a ``description`` (`tls: handshake failed`).
    init?(described text: String) {
        guard let colon = text.firstIndex(of: ":"), let code = Code(rawValue: String(text[..<colon])) else { return nil }
        self.init(code, String(text[text.index(after: colon)...].dropFirst()))
    }
}

extension StopReason: StoredAsText {
    public var stored: String {
        switch self {
        case .interrupted(let n), .maxTime(let n): "\(code)\t\(n)"
        case .maxPages(let limit, let left): "maxPages\t\(limit)\t\(left)"
        case .unfinished: code
        case .storeFailed(let text), .recorded(let text): "\(code)\t\(text)"
        }
    }

    /// Reads ``stored``, or the words of an older store.
    public init(stored text: String) {
        var fields = StoredFields(text)
        let decoded: StopReason? = switch fields.word() {
        case "interrupted": fields.int().map(StopReason.interrupted)
        case "maxTime": fields.int().map(StopReason.maxTime)
        case "maxPages": fields.int().flatMap { limit in fields.int().map { .maxPages(limit: limit, pagesLeft: $0) } }
        case "unfinished": fields.isEmpty ? .unfinished : nil
        case "storeFailed": .storeFailed(fields.rest())
        case "recorded": .recorded(fields.rest())
        default: nil
        }
        self = decoded ?? Self.legacy(text)
    }

    /// The case whose words `text` is (what stores kept before ``stored``), checked by writing it again.
    static func legacy(_ text: String) -> StopReason {
        let numbers = StoredFields.integers(in: text)
        let n = numbers.first ?? 0
        var candidates: [StopReason] = [.unfinished, .interrupted(pending: n), .maxTime(pending: n)]
        if numbers.count >= 2 { candidates.append(.maxPages(limit: numbers[0], pagesLeft: numbers[1])) }
        let failed = "store failed: "
        if text.hasPrefix(failed) { candidates.append(.storeFailed(String(text.dropFirst(failed.count)))) }
        return candidates.first { $0.description == text } ?? .recorded(text)
    }
}

/// A value a store keeps as text: ``stored``, read back by ``init(stored:)``; Codable as that text.
public protocol StoredAsText: Codable {
    var stored: String { get }
    init(stored: String)
}

extension StoredAsText {
    public init(from decoder: any Decoder) throws { self.init(stored: try decoder.singleValueContainer().decode(String.self)) }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(stored)
    }
}

/// Tab-separated fields read from the front.
struct StoredFields {
    private var remaining: Substring

    init(_ text: String) { remaining = text[...] }

    var isEmpty: Bool { remaining.isEmpty }

    /// The next field (nil when none is left).
    mutating func word() -> String? {
        guard !remaining.isEmpty else { return nil }
        let end = remaining.firstIndex(of: "\t") ?? remaining.endIndex
        let word = String(remaining[..<end])
        remaining = end == remaining.endIndex ? remaining[end...] : remaining[remaining.index(after: end)...]
        return word
    }

    /// The next field as a whole number.
    mutating func int() -> Int? { word().flatMap { Int($0) } }

    /// Everything left, tabs included: the last (string) parameter.
    mutating func rest() -> String {
        defer { remaining = remaining[remaining.endIndex...] }
        return String(remaining)
    }

    /// The whole numbers in `text`, in order.
    static func integers(in text: String) -> [Int] {
        text.split { !$0.isASCII || !$0.isNumber }.compactMap { Int($0) }
    }
}
