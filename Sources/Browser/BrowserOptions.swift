/// How the browser pass loads pages: viewport, tabs in parallel, time limits, scope.
public struct BrowserOptions: Sendable, Equatable {
    public var viewport = Viewport()
    /// Pages loaded at once, each in a browser context of its own.
    public var tabs = 4
    /// The longest one load may take to reach load + network idle; a slower page is recorded as incomplete.
    public var loadTimeout: Duration = .seconds(30)
    /// Visit each page again after its cold load (the repeat visit); off, only the cold load happens.
    public var repeatVisit = true
    /// Only these origins' requests go out (`--no-external`); nil lets every request through.
    public var allowedOrigins: Set<String>?
    /// Each tab loads its pages in a Chromium of its own (see `BrowserSession`): needed for an
    /// exact count when some page's icon answers 404, which Chromium remembers process-wide.
    /// Off, the tabs share one Chromium: less CPU (an idle headless Chromium uses about a
    /// tenth of a core), and exact as long as no icon fails.
    public var processPerTab = true
    /// What the static crawl received for a URL, when it fetched it. Chromium reports one
    /// kind of response without its size on the wire (an image's error page with a compressed
    /// body, such as nginx's gzipped 404); its body then counts as the static crawl received
    /// it, when status and Content-Encoding match, else as Chromium decoded it (an upper bound).
    public var knownResponse: KnownResponse.Lookup?
    /// How long a quiet load waits for its icon request before it is over without one. The
    /// request comes from Chromium's browser process after the load; on a loaded 2-core runner
    /// it was seen to take over 1 s. Only a load whose icon never comes and that declares an
    /// http(s) icon or none pays the whole wait (see `BrowserTab.checksAfterLoad`).
    var iconWait = Duration.seconds(3)

    public init() {}

    /// Every option but `knownResponse`, a closure (it looks figures up; it changes no choice).
    public static func == (a: BrowserOptions, b: BrowserOptions) -> Bool {
        a.viewport == b.viewport && a.tabs == b.tabs && a.loadTimeout == b.loadTimeout && a.repeatVisit == b.repeatVisit
            && a.allowedOrigins == b.allowedOrigins && a.processPerTab == b.processPerTab && a.iconWait == b.iconWait
    }

    /// A response as the static crawl received it (``BrowserOptions/knownResponse``).
    public struct KnownResponse: Sendable, Equatable {
        public typealias Lookup = @Sendable (String) -> KnownResponse?
        public var status: Int
        /// The response's Content-Encoding; nil for none.
        public var contentEncoding: String?
        /// Body bytes on the wire, chunked framing included.
        public var bodyBytes: Int

        public init(status: Int, contentEncoding: String?, bodyBytes: Int) {
            self.status = status
            self.contentEncoding = contentEncoding
            self.bodyBytes = bodyBytes
        }
    }
}

extension BrowserOptions {
/// A CSS viewport and device pixel ratio: `1280x800@1`, `375x812@2` (nested: the static
/// browser model has a `Viewport` of its own in Audit, which the CLI parses `--viewport` into).
public struct Viewport: Sendable, Equatable, CustomStringConvertible {
    public var width = 1280
    public var height = 800
    public var deviceScaleFactor = 1.0

    public init(width: Int = 1280, height: Int = 800, deviceScaleFactor: Double = 1) {
        self.width = width
        self.height = height
        self.deviceScaleFactor = deviceScaleFactor
    }

    /// `WIDTHxHEIGHT[@DPR]`; nil when the text is not one.
    public init?(parsing text: String) {
        let parts = text.lowercased().split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return nil }
        let size = parts[0].split(separator: "x", omittingEmptySubsequences: false)
        guard size.count == 2, let w = Int(size[0]), let h = Int(size[1]), (1...10_000).contains(w), (1...10_000).contains(h)
        else { return nil }
        var scale = 1.0
        if parts.count == 2 {
            guard let s = Double(parts[1]), s > 0, s <= 10 else { return nil }
            scale = s
        }
        self.init(width: w, height: h, deviceScaleFactor: scale)
    }

    public var description: String {
        let scale = deviceScaleFactor == deviceScaleFactor.rounded() ? String(Int(deviceScaleFactor)) : String(deviceScaleFactor)
        return "\(width)x\(height)@\(scale)"
    }
}
}
