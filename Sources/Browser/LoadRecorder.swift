internal import CrawlModel

/// Turns one page load's DevTools events into the list of requests it made: a state machine
/// over `Network.*` and `Page.*` events, fed by ``BrowserTab`` (and by tests, with events).
struct LoadRecorder {
    private(set) var requests: [BrowserRequest] = []
    /// Request id → index in `requests` of its current hop, while it is in flight.
    private var open: [String: Int] = [:]
    /// Response header bytes plus data bytes so far, for a load that fails part-way.
    private var partialBytes: [String: Int] = [:]
    /// Per request id: the response's header bytes, Content-Length, and whether its body has no
    /// Content-Encoding (see `loadingFinished` and `loadingFailed`).
    private var heads: [String: (headerBytes: Int, contentLength: Int?, encoding: String)] = [:]
    /// Body bytes received so far (`dataLength`), for a response whose `encodedDataLength` says 0.
    private var bodyBytes: [String: Int] = [:]
    /// Request id → index of its last hop, kept after it ends: the raw status can come late.
    private var lastHop: [String: Int] = [:]
    /// Request id → length of the response's header block (`responseReceivedExtraInfo.headersText`).
    private var rawHeaderBytes: [String: Int] = [:]
    /// The navigation whose lifecycle counts (Page.navigate's `loaderId`); events of others are ignored.
    var loaderID: String?
    /// The main frame (a page target's id).
    let frameID: String
    private(set) var loaded = false
    /// Set when the renderer crashed or the navigation failed.
    private(set) var failure: String?

    /// What the static crawl received for a URL, for the one total Chromium does not report (see `loadingFinished`).
    var knownResponse: BrowserOptions.KnownResponse.Lookup?

    init(frameID: String) { self.frameID = frameID }

    /// Requests started and not yet finished or failed.
    var inFlight: Int { open.count }

    /// The page's icon was requested: Chromium asks for one (declared, else `/favicon.ico`)
    /// once per load, from the browser process, after the load event and outside the
    /// renderer's network idle; a load is not over before it.
    private(set) var iconRequested = false
    /// Set when the wait for the icon request is given up (a load that asks for none).
    var iconWaitOver = false

    /// Counts request starts and ends: a quiet window is over only if nothing happened during it.
    private(set) var activity = 0
    /// Set when no request started or ended for a quiet window after ``isQuiet`` (the tab's
    /// timer, ``BrowserTab/quietWindow``), or when Chromium reported network idle (500 ms);
    /// a request that starts afterwards clears it.
    var quietOver = false

    /// The load event fired and every request reported so far has ended.
    var isQuiet: Bool { loaded && open.isEmpty }

    /// Set while the web-app install check Chrome runs after the load is going on (see
    /// ``BrowserTab``): its requests (the manifest, its icon) belong to the load.
    var installCheckPending = false

    /// The install check answered. Its requests' events may come after its answer, so a new
    /// quiet window starts (it counts as activity).
    mutating func installCheckOver() {
        installCheckPending = false
        activity += 1
        quietOver = false
    }

    /// Quiet for a whole window, the icon request came (or will not), and the install check is over.
    var isSettled: Bool {
        failure != nil || (isQuiet && quietOver && (iconRequested || iconWaitOver) && !installCheckPending)
    }

    mutating func handle(_ method: String, _ p: DevToolsJSON) {
        switch method {
        case "Network.requestWillBeSent":
            guard let id = p["requestId"]?.string, let url = p["request"]?["url"]?.string else { return }
            if let redirect = p["redirectResponse"], let index = open[id] {
                requests[index].status = redirect["status"]?.int
                requests[index].wireBytes = redirect["encodedDataLength"]?.int ?? 0
                requests[index].redirectedTo = url
                open[id] = nil
                partialBytes[id] = nil
            }
            // data: and blob: URLs cost nothing on the wire; they are not requests.
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else { return }
            activity += 1
            quietOver = false
            let initiator = p["initiator"]
            let initiatorURL = initiator?["url"]?.string
                ?? initiator?["stack"]?["callFrames"]?.array?.first?["url"]?.string
            requests.append(BrowserRequest(
                url: url, method: p["request"]?["method"]?.string ?? "GET", resourceType: p["type"]?.string ?? "Other",
                initiator: initiator?["type"]?.string ?? "other", initiatorURL: initiatorURL.flatMap { $0.isEmpty ? nil : $0 }))
            open[id] = requests.count - 1
            lastHop[id] = requests.count - 1
            if p["type"]?.string == "Other", initiator?["type"]?.string == "other", initiatorURL == nil { iconRequested = true }
        case "Network.responseReceivedExtraInfo":
            // The status on the wire: a revalidated response is reported as the cached 200,
            // and only here as the 304 the server sent.
            if p["statusCode"]?.int == 304, let index = p["requestId"]?.string.flatMap({ lastHop[$0] }) {
                requests[index].status = 304
            }
            // The header block as received; responseReceived can say 0 for it (seen on a 404 image).
            if let id = p["requestId"]?.string, let text = p["headersText"]?.string { rawHeaderBytes[id] = text.utf8.count }
        case "Network.requestServedFromCache":
            if let index = p["requestId"]?.string.flatMap({ open[$0] }) { requests[index].cache = .memory }
        case "Network.responseReceived":
            guard let id = p["requestId"]?.string, let index = open[id], let response = p["response"] else { return }
            if requests[index].status != 304 { requests[index].status = response["status"]?.int }
            if response["fromServiceWorker"]?.bool == true { requests[index].cache = .serviceWorker }
            else if response["fromPrefetchCache"]?.bool == true { requests[index].cache = .prefetch }
            else if response["fromDiskCache"]?.bool == true, requests[index].cache == nil { requests[index].cache = .disk }
            let headerBytes = response["encodedDataLength"]?.int ?? 0
            partialBytes[id] = headerBytes
            let length = response["headers"].flatMap { Self.header("content-length", $0) }.flatMap { Int($0) }
            let encoding = response["headers"].flatMap { Self.header("content-encoding", $0) } ?? "identity"
            heads[id] = (headerBytes, length, encoding.lowercased())
        case "Network.dataReceived":
            if let id = p["requestId"]?.string, open[id] != nil {
                partialBytes[id, default: 0] += p["encodedDataLength"]?.int ?? 0
                bodyBytes[id, default: 0] += p["dataLength"]?.int ?? 0
            }
        case "Network.loadingFinished":
            guard let id = p["requestId"]?.string, let index = open.removeValue(forKey: id) else { return }
            activity += 1
            var bytes = p["encodedDataLength"]?.int ?? partialBytes[id] ?? 0
            // Two totals Chromium gets wrong: a 404 image counts its body only (a total of
            // exactly Content-Length after headers arrived), and an <embed>ed PDF, handed to
            // the viewer, counts 0 (less than its own headers). Both are headers + Content-Length.
            let noWireData = heads[id].map { partialBytes[id] == $0.headerBytes } ?? false
            if var head = heads.removeValue(forKey: id) {
                if head.headerBytes == 0 { head.headerBytes = rawHeaderBytes[id] ?? 0 }
                if head.headerBytes == 0 {
                    // Nothing known of the headers: the total stands.
                } else if let length = head.contentLength, bytes == length || bytes < head.headerBytes {
                    bytes = head.headerBytes + length
                } else if let decoded = bodyBytes[id], decoded > 0, bytes == decoded, noWireData {
                    // The same 404 image with a compressed body and no Content-Length (nginx's
                    // gzipped error page, chunked): the total is the decoded body, and no data
                    // event carried a wire count. The body's wire size is only known from the
                    // server: the static crawl's answer for the URL when it matches.
                    bytes = head.headerBytes + (knownBodyBytes(requests[index], head.encoding) ?? decoded)
                } else {
                    bytes = max(bytes, head.headerBytes)
                }
            }
            // A response from a cache cost nothing on the wire, whatever the total says (a
            // memory-cache hit reports the size of the response it once was).
            requests[index].wireBytes = requests[index].cache == nil ? bytes : 0
            partialBytes[id] = nil
            bodyBytes[id] = nil
            rawHeaderBytes[id] = nil
        case "Network.loadingFailed":
            guard let id = p["requestId"]?.string, let index = open.removeValue(forKey: id) else { return }
            activity += 1
            var reason = p["errorText"]?.string ?? "failed"
            if let blocked = p["blockedReason"]?.string { reason += " (blocked: \(blocked))" }
            else if p["canceled"]?.bool == true { reason += " (cancelled)" }
            requests[index].error = reason
            requests[index].wireBytes = cutShortBytes(id, index: index)
            heads[id] = nil
            partialBytes[id] = nil
            bodyBytes[id] = nil
        case "Page.lifecycleEvent":
            guard p["frameId"]?.string == frameID, let loaderID, p["loaderId"]?.string == loaderID else { return }
            switch p["name"]?.string {
            case "load": loaded = true
            case "networkIdle" where open.isEmpty: quietOver = true
            default: break
            }
        case "Inspector.targetCrashed":
            failure = "the page's renderer crashed"
        case "Inspector.detached":
            failure = "DevTools was detached: \(p["reason"]?.string ?? "?")"
        default:
            break
        }
    }

    /// A header's value in a DevTools header object (`name` in lower case; names in any case).
    static func header(_ name: String, _ headers: DevToolsJSON) -> String? {
        guard case .object(let fields) = headers else { return nil }
        return fields.first { $0.key.lowercased() == name }?.value.string
    }

    /// The wire bytes of a request that ended before `loadingFinished`: headers and the data
    /// received. Chromium reports a media response's data (audio, video: a range request the
    /// player cancels once it has the metadata) with `encodedDataLength` 0, so for a body
    /// without Content-Encoding the bytes it received (`dataLength`) count instead. And a
    /// cancelled media response counts as the server sends it, headers + Content-Length of
    /// the range asked for: the server writes it all before the cancel reaches it (on
    /// loopback, nginx's `$bytes_sent` for Chromium's own visit is the whole range), which is
    /// also what the static model charges for the file.
    private func cutShortBytes(_ id: String, index: Int) -> Int {
        let bytes = partialBytes[id] ?? 0
        // An error page Chromium cancels after its headers (a 404 script it will not run) came
        // with them: the server sent it whole (nginx's count for Chromium's visit). Its size is
        // the static crawl's, when that answer matches.
        if let head = heads[id], (requests[index].status ?? 0) >= 400, let known = knownBodyBytes(requests[index], head.encoding) {
            return max(bytes, head.headerBytes + known)
        }
        guard let head = heads[id], head.encoding == "identity" else { return bytes }
        if requests[index].resourceType == "Media", let length = head.contentLength { return max(bytes, head.headerBytes + length) }
        return max(bytes, head.headerBytes + (bodyBytes[id] ?? 0))
    }

    /// The body bytes the static crawl received for the request's URL, when its answer had
    /// the same status and Content-Encoding (see `BrowserOptions.knownResponse`).
    private func knownBodyBytes(_ request: BrowserRequest, _ encoding: String) -> Int? {
        guard let known = knownResponse?(request.url), known.status == request.status,
              (known.contentEncoding ?? "identity").lowercased() == encoding else { return nil }
        return known.bodyBytes
    }

    /// Marks the navigation as failed (Page.navigate answered `errorText`).
    mutating func fail(_ reason: String) { failure = reason }

    /// What is known so far; requests still open are marked as such when the load was cut short.
    func load(incomplete: String?, durationMs: Double) -> BrowserLoad {
        var requests = self.requests
        for (id, index) in open {
            requests[index].error = requests[index].error ?? "unfinished when the load ended"
            requests[index].wireBytes = cutShortBytes(id, index: index)
        }
        return BrowserLoad(requests: requests, incomplete: incomplete ?? failure, durationMs: durationMs)
    }
}
