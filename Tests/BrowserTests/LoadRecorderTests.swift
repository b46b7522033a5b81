@testable import Browser
import CrawlModel
import Testing

/// The event state machine alone, fed DevTools events as Chromium sends them.
@Suite("LoadRecorder")
struct LoadRecorderTests {
    func sent(_ id: String, _ url: String, type: String = "Image", initiator: DevToolsJSON = ["type": "parser", "url": "http://a.test/"],
              redirect: DevToolsJSON? = nil) -> DevToolsJSON {
        var p: [String: DevToolsJSON] = ["requestId": .string(id), "request": ["url": .string(url), "method": "GET"],
                                          "type": .string(type), "initiator": initiator]
        if let redirect { p["redirectResponse"] = redirect }
        return .object(p)
    }

    @Test("a redirect closes the hop with its status and bytes; the final hop ends with loadingFinished")
    func redirects() {
        var r = LoadRecorder(frameID: "F")
        r.handle("Network.requestWillBeSent", sent("1", "http://a.test/old.png"))
        r.handle("Network.requestWillBeSent", sent("1", "http://a.test/new.png", redirect: ["status": 301, "encodedDataLength": 180]))
        r.handle("Network.responseReceived", ["requestId": "1", "response": ["status": 200, "encodedDataLength": 200]])
        #expect(r.inFlight == 1)
        r.handle("Network.loadingFinished", ["requestId": "1", "encodedDataLength": 1200])
        #expect(r.inFlight == 0)
        #expect(r.requests == [
            BrowserRequest(url: "http://a.test/old.png", resourceType: "Image", initiator: "parser", initiatorURL: "http://a.test/",
                           status: 301, wireBytes: 180, redirectedTo: "http://a.test/new.png"),
            BrowserRequest(url: "http://a.test/new.png", resourceType: "Image", initiator: "parser", initiatorURL: "http://a.test/",
                           status: 200, wireBytes: 1200),
        ])
    }

    @Test("cache hits: memory (requestServedFromCache) and disk (fromDiskCache); data: URLs are not requests")
    func cacheHits() {
        var r = LoadRecorder(frameID: "F")
        r.handle("Network.requestWillBeSent", sent("1", "http://a.test/m.css", type: "Stylesheet"))
        r.handle("Network.requestServedFromCache", ["requestId": "1"])
        r.handle("Network.responseReceived", ["requestId": "1", "response": ["status": 200, "fromDiskCache": false]])
        r.handle("Network.loadingFinished", ["requestId": "1", "encodedDataLength": 701])
        r.handle("Network.requestWillBeSent", sent("2", "http://a.test/d.js", type: "Script"))
        r.handle("Network.responseReceived", ["requestId": "2", "response": ["status": 200, "fromDiskCache": true]])
        r.handle("Network.loadingFinished", ["requestId": "2", "encodedDataLength": 0])
        r.handle("Network.requestWillBeSent", sent("3", "data:image/png;base64,AAAA"))
        #expect(r.requests.map(\.cache) == [.memory, .disk])
        // A memory-cache hit reports the size the response once had; it cost nothing now.
        #expect(r.requests.map(\.wireBytes) == [0, 0])
        #expect(r.inFlight == 0)
    }

    @Test("a failed request keeps the bytes that arrived and says why; a script's initiator comes from its stack")
    func failures() {
        var r = LoadRecorder(frameID: "F")
        let stack: DevToolsJSON = ["type": "script", "stack": ["callFrames": [["url": "http://a.test/app.js"]]]]
        r.handle("Network.requestWillBeSent", sent("7", "http://a.test/v.mp4", type: "Media", initiator: stack))
        r.handle("Network.responseReceived", ["requestId": "7", "response": ["status": 206, "encodedDataLength": 250]])
        r.handle("Network.dataReceived", ["requestId": "7", "encodedDataLength": 4000])
        r.handle("Network.loadingFailed", ["requestId": "7", "errorText": "net::ERR_ABORTED", "canceled": true])
        let failed = r.requests[0]
        #expect(failed.initiator == "script" && failed.initiatorURL == "http://a.test/app.js")
        #expect(failed.wireBytes == 4250)
        #expect(failed.error == "net::ERR_ABORTED (cancelled)")
    }

    @Test("a cancelled media range counts as the server sent it; other bodies count what arrived, by dataLength when encodedDataLength says 0")
    func cancelledMedia() {
        var r = LoadRecorder(frameID: "F")
        // One request as Chromium 156 reports a media metadata load: its body arrives in
        // dataReceived with encodedDataLength 0, then the request is cancelled.
        func cancelled(_ id: String, _ url: String, type: String, status: Int, headerBytes: Int, headers: DevToolsJSON, received: Int) {
            r.handle("Network.requestWillBeSent", sent(id, url, type: type))
            r.handle("Network.responseReceived", ["requestId": .string(id), "response": [
                "status": .number(Double(status)), "encodedDataLength": .number(Double(headerBytes)), "headers": headers]])
            r.handle("Network.dataReceived", ["requestId": .string(id), "dataLength": .number(Double(received)), "encodedDataLength": 0])
            r.handle("Network.loadingFailed", ["requestId": .string(id), "errorText": "net::ERR_ABORTED", "canceled": true])
        }
        // A <video>'s whole 206 range arrived before the cancel.
        cancelled("1", "http://a.test/v.mp4", type: "Media", status: 206, headerBytes: 341,
                  headers: ["Content-Length": "834563", "Content-Type": "video/mp4"], received: 834_563)
        // A compressed body's dataLength is its decoded size: only the encoded bytes count.
        cancelled("2", "http://a.test/big.json", type: "Fetch", status: 200, headerBytes: 200,
                  headers: ["content-encoding": "br"], received: 90_000)
        // An audio range cancelled after 160 KB of 1.3 MB: the server sent the whole range.
        cancelled("3", "http://a.test/a.mp3", type: "Media", status: 206, headerBytes: 346,
                  headers: ["Content-Length": "1314238"], received: 160_768)
        // Not media: the bytes that arrived.
        cancelled("4", "http://a.test/big.bin", type: "Fetch", status: 200, headerBytes: 150,
                  headers: ["Content-Length": "90000"], received: 1000)
        #expect(r.requests.map(\.wireBytes) == [341 + 834_563, 200, 346 + 1_314_238, 150 + 1000])
        #expect(r.requests.allSatisfy { $0.error == "net::ERR_ABORTED (cancelled)" })
    }

    @Test("settled only after this navigation's load, a quiet window with nothing in flight, and the icon request")
    func settling() {
        var r = LoadRecorder(frameID: "F")
        r.loaderID = "L2"
        r.handle("Page.lifecycleEvent", ["frameId": "F", "loaderId": "L1", "name": "load"])
        r.handle("Page.lifecycleEvent", ["frameId": "child", "loaderId": "L2", "name": "load"])
        #expect(!r.loaded)
        r.handle("Network.requestWillBeSent", sent("1", "http://a.test/late.png"))
        r.handle("Page.lifecycleEvent", ["frameId": "F", "loaderId": "L2", "name": "load"])
        r.handle("Page.lifecycleEvent", ["frameId": "F", "loaderId": "L2", "name": "networkIdle"])
        #expect(!r.isSettled)
        r.handle("Network.loadingFinished", ["requestId": "1", "encodedDataLength": 99])
        #expect(r.isQuiet && !r.quietOver && !r.isSettled, "no quiet window yet")
        let quietAt = r.activity
        r.quietOver = true
        #expect(!r.isSettled, "the icon request is still to come")
        r.handle("Network.requestWillBeSent", sent("9", "http://a.test/favicon.ico", type: "Other", initiator: ["type": "other"]))
        #expect(r.iconRequested && !r.quietOver && !r.isQuiet, "a new request ends the quiet window")
        r.handle("Network.loadingFinished", ["requestId": "9", "encodedDataLength": 300])
        #expect(r.activity == quietAt + 2 && !r.isSettled, "a quiet window started before the icon request is stale")
        r.quietOver = true
        #expect(r.isSettled)
        var iconless = LoadRecorder(frameID: "F")
        iconless.loaderID = "L"
        iconless.handle("Page.lifecycleEvent", ["frameId": "F", "loaderId": "L", "name": "load"])
        // Chromium's own network idle (500 ms without traffic) is a quiet window too.
        iconless.handle("Page.lifecycleEvent", ["frameId": "F", "loaderId": "L", "name": "networkIdle"])
        #expect(iconless.quietOver && !iconless.isSettled)
        iconless.iconWaitOver = true
        #expect(iconless.isSettled)
        let cut = LoadRecorder(frameID: "F").load(incomplete: "timeout", durationMs: 1)
        #expect(cut.incomplete == "timeout")
    }

    @Test("unfinished requests are marked when a load is cut short")
    func cutShort() {
        var r = LoadRecorder(frameID: "F")
        r.handle("Network.requestWillBeSent", sent("1", "http://a.test/slow.png"))
        let load = r.load(incomplete: "timeout: no load event after 3 s", durationMs: 3000)
        #expect(load.requests[0].error == "unfinished when the load ended")
        #expect(load.incomplete == "timeout: no load event after 3 s")
    }
}

typealias Viewport = BrowserOptions.Viewport

@Suite("Viewport")
struct ViewportTests {
    @Test("WxH@DPR parses; anything else is refused", arguments: [
        ("1280x800@1", Viewport(width: 1280, height: 800, deviceScaleFactor: 1)),
        ("375x812@2", Viewport(width: 375, height: 812, deviceScaleFactor: 2)),
        ("1440X900", Viewport(width: 1440, height: 900, deviceScaleFactor: 1)),
        ("390x844@2.5", Viewport(width: 390, height: 844, deviceScaleFactor: 2.5)),
    ])
    func parses(_ text: String, _ expected: Viewport) {
        #expect(Viewport(parsing: text) == expected)
    }

    @Test("refused", arguments: ["1280", "1280x", "x800", "1280x800@", "1280x800@0", "0x800", "1280x800@1@2", "wide"])
    func refused(_ text: String) {
        #expect(Viewport(parsing: text) == nil)
    }

    @Test("description round-trips")
    func description() {
        #expect(Viewport(width: 375, height: 812, deviceScaleFactor: 2).description == "375x812@2")
        #expect(Viewport(parsing: Viewport(width: 390, height: 844, deviceScaleFactor: 2.5).description) == Viewport(width: 390, height: 844, deviceScaleFactor: 2.5))
    }
}

@Suite("LoadRecorder: Chromium's counting quirks")
struct LoadRecorderQuirkTests {
    @Test("a 404 image's total leaves its headers out, an embedded PDF's is 0: both are headers + Content-Length")
    func notFoundImage() {
        var r = LoadRecorder(frameID: "F")
        r.handle("Network.requestWillBeSent", ["requestId": "5", "request": ["url": "http://a.test/missing.png"], "type": "Image",
                                               "initiator": ["type": "parser"]])
        r.handle("Network.responseReceived", ["requestId": "5", "response": ["status": 404, "encodedDataLength": 281,
                                                                             "headers": ["Content-Length": "696"]]])
        r.handle("Network.loadingFinished", ["requestId": "5", "encodedDataLength": 696])
        #expect(r.requests[0].wireBytes == 977)
        // An ordinary response's total already holds its headers.
        r.handle("Network.requestWillBeSent", ["requestId": "6", "request": ["url": "http://a.test/"], "type": "Document",
                                               "initiator": ["type": "other"]])
        r.handle("Network.responseReceived", ["requestId": "6", "response": ["status": 200, "encodedDataLength": 369,
                                                                             "headers": ["content-length": "1319"]]])
        r.handle("Network.loadingFinished", ["requestId": "6", "encodedDataLength": 1688])
        #expect(r.requests[1].wireBytes == 1688)
        // An <embed>ed PDF counts 0.
        r.handle("Network.requestWillBeSent", ["requestId": "7", "request": ["url": "http://a.test/b.pdf"], "type": "Document",
                                               "initiator": ["type": "parser"]])
        r.handle("Network.responseReceived", ["requestId": "7", "response": ["status": 200, "encodedDataLength": 362,
                                                                             "headers": ["Content-Length": "51"]]])
        r.handle("Network.loadingFinished", ["requestId": "7", "encodedDataLength": 0])
        #expect(r.requests[2].wireBytes == 413)
    }

    /// A recorder that has seen a parser-initiated request for `url` and its 404 head
    /// (`headerBytes` as `responseReceived` reports them), with the static crawl's `known` answer.
    static func notFound(_ id: String, _ url: String, type: String, known: BrowserOptions.KnownResponse?,
                         headerBytes: Int, headers: DevToolsJSON) -> LoadRecorder {
        var r = LoadRecorder(frameID: "F")
        r.knownResponse = { _ in known }
        r.handle("Network.requestWillBeSent", ["requestId": .string(id), "request": ["url": .string(url)], "type": .string(type),
                                               "initiator": ["type": "parser"]])
        r.handle("Network.responseReceived", ["requestId": .string(id), "response": ["status": 404, "encodedDataLength": .number(Double(headerBytes)),
                                                                                     "headers": headers]])
        return r
    }

    @Test("a gzipped, chunked 404 image's total is its decoded body: the static crawl's body bytes count, else the decoded size")
    func gzippedNotFoundImage() {
        func load(known: BrowserOptions.KnownResponse?) -> Int {
            var r = Self.notFound("5", "http://a.test/missing.png", type: "Image", known: known, headerBytes: 186,
                                  headers: ["Content-Encoding": "gzip", "Transfer-Encoding": "chunked"])
            r.handle("Network.dataReceived", ["requestId": "5", "dataLength": 555, "encodedDataLength": 0])
            r.handle("Network.loadingFinished", ["requestId": "5", "encodedDataLength": 555])
            return r.requests[0].wireBytes
        }
        #expect(load(known: .init(status: 404, contentEncoding: "gzip", bodyBytes: 187)) == 373)
        #expect(load(known: nil) == 186 + 555)
        // responseReceived can say 0 for the headers: the extra info's header block counts.
        var r = Self.notFound("5", "http://a.test/missing.png", type: "Image", known: .init(status: 404, contentEncoding: "gzip", bodyBytes: 187),
                              headerBytes: 0, headers: ["Content-Encoding": "gzip"])
        r.handle("Network.responseReceivedExtraInfo", ["requestId": "5", "statusCode": 404,
                                                       "headersText": .string(String(repeating: "h", count: 186))])
        r.handle("Network.dataReceived", ["requestId": "5", "dataLength": 555, "encodedDataLength": 0])
        r.handle("Network.loadingFinished", ["requestId": "5", "encodedDataLength": 555])
        #expect(r.requests[0].wireBytes == 373)
        // Another answer (another status or encoding) is not this response's size.
        #expect(load(known: .init(status: 404, contentEncoding: nil, bodyBytes: 555)) == 186 + 555)
        #expect(load(known: .init(status: 200, contentEncoding: "gzip", bodyBytes: 187)) == 186 + 555)
    }

    @Test("an error page cancelled after its headers counts the static crawl's body when it matches, else what arrived")
    func cancelledErrorPage() {
        func load(known: BrowserOptions.KnownResponse?) -> Int {
            var r = Self.notFound("3", "http://a.test/missing.js", type: "Script", known: known, headerBytes: 186,
                                  headers: ["Content-Encoding": "gzip", "Transfer-Encoding": "chunked"])
            r.handle("Network.loadingFailed", ["requestId": "3", "errorText": "net::ERR_ABORTED", "canceled": true])
            return r.requests[0].wireBytes
        }
        #expect(load(known: .init(status: 404, contentEncoding: "gzip", bodyBytes: 187)) == 373)
        #expect(load(known: nil) == 186)
        #expect(load(known: .init(status: 200, contentEncoding: "gzip", bodyBytes: 187)) == 186)
    }

    @Test("the install check keeps a quiet load open, and its answer starts a new quiet window")
    func installCheck() {
        var r = LoadRecorder(frameID: "F")
        r.loaderID = "L"
        r.iconWaitOver = true
        r.handle("Page.lifecycleEvent", ["frameId": "F", "loaderId": "L", "name": "load"])
        r.installCheckPending = true
        r.quietOver = true
        #expect(r.isQuiet && !r.isSettled)
        let before = r.activity
        r.installCheckOver()
        #expect(!r.isSettled && r.activity > before)
        r.quietOver = true
        #expect(r.isSettled)
    }

    @Test("a revalidated response shows as 200 in responseReceived and as the 304 it was on the wire in the extra info")
    func revalidated() {
        var r = LoadRecorder(frameID: "F")
        r.handle("Network.requestWillBeSent", ["requestId": "1", "request": ["url": "http://a.test/"], "type": "Document",
                                               "initiator": ["type": "other"]])
        r.handle("Network.responseReceivedExtraInfo", ["requestId": "1", "statusCode": 304])
        r.handle("Network.responseReceived", ["requestId": "1", "response": ["status": 200, "encodedDataLength": 117]])
        r.handle("Network.loadingFinished", ["requestId": "1", "encodedDataLength": 117])
        #expect(r.requests[0].status == 304 && r.requests[0].revalidated && r.requests[0].wireBytes == 117)
        // The extra info may come last.
        r.handle("Network.requestWillBeSent", ["requestId": "2", "request": ["url": "http://a.test/b"], "type": "Document",
                                               "initiator": ["type": "other"]])
        r.handle("Network.responseReceived", ["requestId": "2", "response": ["status": 200, "encodedDataLength": 117]])
        r.handle("Network.loadingFinished", ["requestId": "2", "encodedDataLength": 117])
        r.handle("Network.responseReceivedExtraInfo", ["requestId": "2", "statusCode": 304])
        #expect(r.requests[1].status == 304)
    }
}
