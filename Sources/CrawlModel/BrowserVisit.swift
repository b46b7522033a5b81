/// What headless Chromium fetched for one crawled page (`crawl --browser`): a cold first
/// visit in a fresh browser context, then a repeat visit in the same context.
public struct BrowserVisit: Codable, Sendable, Equatable {
    /// The crawled page's URL, as the static crawl has it.
    public var url: String
    public var firstVisit: BrowserLoad
    /// Nil when the first visit could not even start (the browser failed).
    public var repeatVisit: BrowserLoad?

    public init(url: String, firstVisit: BrowserLoad, repeatVisit: BrowserLoad?) {
        self.url = url
        self.firstVisit = firstVisit
        self.repeatVisit = repeatVisit
    }
}

/// One page load in the browser: every request it made, in the order they started.
public struct BrowserLoad: Codable, Sendable, Equatable {
    public var requests: [BrowserRequest]
    /// Why the load did not finish cleanly (`"timeout: …"`, `"navigation: net::ERR_…"`), nil when it did.
    public var incomplete: String?
    /// Wall time from navigation to load + network idle, in milliseconds (not in the JSON report: it varies).
    public var durationMs: Double

    public init(requests: [BrowserRequest] = [], incomplete: String? = nil, durationMs: Double = 0) {
        self.requests = requests
        self.incomplete = incomplete
        self.durationMs = durationMs
    }

    /// Bytes on the wire of the whole load, headers included (Chromium's `encodedDataLength`).
    public var wireBytes: Int { requests.reduce(0) { $0 + $1.wireBytes } }
}

/// Where a response came from when not from the network.
public enum BrowserCacheHit: String, Codable, Sendable, Equatable {
    /// Blink's in-process memory cache (`Network.requestServedFromCache`).
    case memory
    /// The HTTP disk cache, without asking the server (`response.fromDiskCache`).
    case disk
    case prefetch
    case serviceWorker
}

/// One request the browser made, as the DevTools Network domain reported it.
public struct BrowserRequest: Codable, Sendable, Equatable {
    public var url: String
    public var method: String
    /// DevTools resource type: `Document`, `Stylesheet`, `Image`, `Script`, `Font`, `Media`, `Fetch`, `Other`, …
    public var resourceType: String
    /// What started it: `parser`, `script`, `preload`, `other`, … (DevTools `Initiator.type`).
    public var initiator: String
    /// The document or script that started it, when DevTools says.
    public var initiatorURL: String?
    public var status: Int?
    /// Bytes on the wire, response headers included; 0 for a cache hit.
    public var wireBytes: Int
    public var cache: BrowserCacheHit?
    /// The redirect target when this hop answered with a redirect.
    public var redirectedTo: String?
    /// `net::ERR_…` when the request failed, was cancelled or blocked.
    public var error: String?

    public init(url: String, method: String = "GET", resourceType: String, initiator: String, initiatorURL: String? = nil,
                status: Int? = nil, wireBytes: Int = 0, cache: BrowserCacheHit? = nil, redirectedTo: String? = nil,
                error: String? = nil) {
        self.url = url
        self.method = method
        self.resourceType = resourceType
        self.initiator = initiator
        self.initiatorURL = initiatorURL
        self.status = status
        self.wireBytes = wireBytes
        self.cache = cache
        self.redirectedTo = redirectedTo
        self.error = error
    }

    /// A 304 answer: the cached copy was revalidated.
    public var revalidated: Bool { status == 304 && cache == nil }
}
