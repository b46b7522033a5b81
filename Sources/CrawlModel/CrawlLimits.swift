/// Why robots.txt could not be used, so RFC 9309 allows nothing (§2.3.1.3–4), start pages included.
public enum RobotsFailure: Hashable, Sendable, CustomStringConvertible {
    /// No response: DNS, refused, reset, timeout, TLS (the error, when the fetcher gave one).
    case notFetched(FetchError?)
    /// A 2xx whose body was cut off by the network.
    case cutOff(status: Int, FetchError)
    /// A 5xx (or any status that is neither 2xx nor 4xx).
    case status(Int)

    public var description: String {
        switch self {
        case .notFetched(let error): "could not be fetched (\(error?.description ?? "no response"))"
        case .cutOff(let status, let error): "could not be read (HTTP \(status), then \(error.description))"
        case .status(let status): "answered HTTP \(status)"
        }
    }
}

/// Why a URL was not fetched. Reports carry its ``description`` (the report's words, naming the
/// flag to change); ``code`` is a stable name for programs; a store keeps ``stored``.
public enum SkipReason: Hashable, Sendable, CustomStringConvertible {
    case disallowedByRobots
    /// robots.txt could not be used (5xx, reset, unreachable): RFC 9309 allows nothing.
    case robotsUnusable(RobotsFailure)
    case notIncluded
    case excluded
    case tooDeep(maxDepth: Int)
    case pastMaxPages(maxPages: Int)
    case otherOrigin
    /// A crawler trap: a URL longer than the limit.
    case urlTooLong(limit: Int)
    /// A crawler trap: one path segment repeated (`/a/b/a/b/a/b/`).
    case repeatingSegments(segment: String, times: Int)
    /// A crawler trap: more distinct query strings on one path than the limit (calendars, facets).
    case queryExplosion(path: String, limit: Int)
    /// A stylesheet past `--max-imports` stylesheets imported for one page.
    case tooManyImports(page: String, limit: Int)
    /// A requisite past `--max-requisites` for one page.
    case tooManyRequisites(page: String, limit: Int)
    /// A reason an older assetcrawl stored that this one does not read back, as it was written.
    case recorded(String)

    public var code: String {
        switch self {
        case .disallowedByRobots, .robotsUnusable: "robots"
        case .notIncluded: "notIncluded"
        case .excluded: "excluded"
        case .tooDeep: "maxDepth"
        case .pastMaxPages: "maxPages"
        case .otherOrigin: "otherOrigin"
        case .urlTooLong: "trapLongURL"
        case .repeatingSegments: "trapRepeatingSegments"
        case .queryExplosion: "trapQueryExplosion"
        case .tooManyImports: "maxImports"
        case .tooManyRequisites: "maxRequisites"
        case .recorded: "recorded"
        }
    }

    public var description: String {
        switch self {
        case .disallowedByRobots: "disallowed by robots.txt"
        case .robotsUnusable(let failure): "robots.txt \(failure), so RFC 9309 allows nothing"
        case .notIncluded: "not matched by --include"
        case .excluded: "matched by --exclude"
        case .tooDeep(let n): "deeper than --max-depth \(n)"
        case .pastMaxPages(let n): "past --max-pages \(n)"
        case .otherOrigin: "on another origin (--no-external)"
        case .urlTooLong(let n): "crawler trap: URL longer than \(n) bytes (--max-url-length)"
        case .repeatingSegments(let segment, let times): "crawler trap: path segment \"\(segment)\" repeated \(times) times (give it as a start URL to crawl it)"
        case .queryExplosion(let path, let n): "crawler trap: more than \(n) query strings on \(path) (--max-query-variants)"
        case .tooManyImports(let page, let n): "past --max-imports \(n) stylesheets imported for \(page)"
        case .tooManyRequisites(let page, let n): "past --max-requisites \(n) requisites of \(page)"
        case .recorded(let text): text
        }
    }
}

/// Why a crawl stopped with work left, and how much. Reports carry its ``description``; a
/// store keeps ``stored`` (its code and parameters).
public enum StopReason: Hashable, Sendable, CustomStringConvertible {
    /// SIGINT (or the task was cancelled); `pending` URLs were not fetched.
    case interrupted(pending: Int)
    /// `--max-time` ran out.
    case maxTime(pending: Int)
    /// The crawl ended, but `--max-pages` left pages found and not crawled.
    case maxPages(limit: Int, pagesLeft: Int)
    /// What a store says while its crawl runs, or after it was killed.
    case unfinished
    /// The store failed (disk full): the crawl ended with what was stored.
    case storeFailed(String)
    /// A reason an older assetcrawl stored that this one does not read back, as it was written.
    case recorded(String)

    public var code: String {
        switch self {
        case .interrupted: "interrupted"
        case .maxTime: "maxTime"
        case .maxPages: "maxPages"
        case .unfinished: "unfinished"
        case .storeFailed: "storeFailed"
        case .recorded: "recorded"
        }
    }

    public var description: String {
        switch self {
        case .interrupted(let n):
            n > 0 ? "interrupted; \(n) URLs not fetched (continue with crawl --resume FILE when the crawl had --store FILE)" : "interrupted"
        case .maxTime(let n):
            n > 0 ? "--max-time reached; \(n) URLs not fetched (raise --max-time, or continue with crawl --resume FILE when the crawl had --store FILE)"
                : "--max-time reached"
        case .maxPages(let limit, let left):
            "--max-pages \(limit) reached; \(left) more pages found and not crawled (raise --max-pages)"
        case .unfinished: "not finished (the crawl was killed or is still running; continue it with --resume)"
        case .storeFailed(let error): "store failed: \(error)"
        case .recorded(let text): text
        }
    }
}
