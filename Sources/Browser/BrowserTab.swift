internal import CrawlModel
internal import Foundation
internal import Logging

/// One page target in a browser context of its own: nothing (cache, cookies, service
/// workers) is shared with any other page's loads.
final class BrowserTab: @unchecked Sendable {  // used by one task at a time
    let connection: DevToolsConnection
    let options: BrowserOptions
    let logger: Logger
    let contextID: String
    let targetID: String
    let session: String
    private var events: AsyncStream<DevToolsConnection.Event>.AsyncIterator
    private var loads = 0
    /// Lets requests of allowed origins through and fails the others (with `allowedOrigins`).
    private var interceptor: Task<Void, Never>?

    private init(connection: DevToolsConnection, options: BrowserOptions, logger: Logger, contextID: String, targetID: String,
                 session: String) {
        self.connection = connection
        self.options = options
        self.logger = logger
        self.contextID = contextID
        self.targetID = targetID
        self.session = session
        self.events = connection.events(session: session).makeAsyncIterator()
    }

    /// A new context and tab at the viewport, with the Network and Page domains on (and the
    /// Fetch domain when only some origins may be requested).
    static func open(_ connection: DevToolsConnection, options: BrowserOptions, logger: Logger) async throws -> BrowserTab {
        let context = try await connection.send("Target.createBrowserContext", ["disposeOnDetach": true])
        guard let contextID = context["browserContextId"]?.string else { throw BrowserError(.command, "no browserContextId") }
        do {
            let target = try await connection.send(
                "Target.createTarget", ["url": "about:blank", "browserContextId": .string(contextID)])
            guard let targetID = target["targetId"]?.string else { throw BrowserError(.command, "no targetId") }
            let attached = try await connection.send("Target.attachToTarget", ["targetId": .string(targetID), "flatten": true])
            guard let session = attached["sessionId"]?.string else { throw BrowserError(.command, "no sessionId") }
            let tab = BrowserTab(connection: connection, options: options, logger: logger, contextID: contextID, targetID: targetID, session: session)
            do {
                try await tab.prepare()
            } catch {
                await tab.close()
                throw error
            }
            return tab
        } catch {
            _ = try? await connection.send("Target.disposeBrowserContext", ["browserContextId": .string(contextID)])
            throw error
        }
    }

    private func prepare() async throws {
        // Sent at once, not one round trip each: Chromium runs a session's commands in order,
        // and under load each round trip to a renderer that is still starting costs 100+ ms.
        async let page: DevToolsJSON = send("Page.enable")
        async let lifecycle: DevToolsJSON = send("Page.setLifecycleEventsEnabled", ["enabled": true])
        async let network: DevToolsJSON = send("Network.enable")
        async let metrics: DevToolsJSON = send("Emulation.setDeviceMetricsOverride", [
            "width": .number(Double(options.viewport.width)), "height": .number(Double(options.viewport.height)),
            "deviceScaleFactor": .number(options.viewport.deviceScaleFactor), "mobile": false,
        ])
        _ = try await (page, lifecycle, network, metrics)
        if let allowed = options.allowedOrigins {
            let paused = connection.events(session: DevToolsConnection.interception(session))
            let connection = self.connection, session = self.session
            interceptor = Task {
                for await event in paused where event.method == "Fetch.requestPaused" {
                    await Self.decide(event.params, allowed: allowed, connection: connection, session: session)
                }
            }
            try await send("Fetch.enable", ["patterns": [["urlPattern": "*", "requestStage": "Request"]]])
        }
    }

    @discardableResult
    private func send(_ method: String, _ params: DevToolsJSON = [:]) async throws -> DevToolsJSON {
        try await connection.send(method, params, session: session)
    }

    /// Navigates to `url` and records every request until the load event, a quiet window with
    /// nothing in flight and the icon request (unless `expectIcon` is false), or until the time limit.
    func load(_ url: String, expectIcon: Bool = true) async -> BrowserLoad {
        loads += 1
        let serial = loads
        let started = ContinuousClock.now
        var recorder = LoadRecorder(frameID: targetID)
        recorder.iconWaitOver = !expectIcon
        recorder.knownResponse = options.knownResponse
        let limit = options.loadTimeout
        let connection = self.connection
        let session = self.session
        func after(_ delay: Duration, _ method: String, activity: Int = 0) -> Task<Void, any Error> {
            Task {
                try await Task.sleep(for: delay)
                connection.inject(.init(method: method, params: ["load": .number(Double(serial)), "activity": .number(Double(activity))]),
                                  session: session)
            }
        }
        let timer = after(limit, Self.timeoutEvent)
        var iconWait: Task<Void, any Error>?
        var afterLoad: Task<Void, Never>?
        // The quiet window started at this activity count, if any (see `LoadRecorder.quietOver`).
        var quietWindow: (activity: Int, timer: Task<Void, any Error>)?
        var phases = ""
        defer {
            timer.cancel()
            iconWait?.cancel()
            afterLoad?.cancel()
            quietWindow?.timer.cancel()
        }
        func elapsed() -> Double {
            let d = ContinuousClock.now - started
            return Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
        }
        do {
            let navigation = try await connection.send("Page.navigate", ["url": .string(url)], session: session, timeout: limit)
            if let error = navigation["errorText"]?.string, !error.isEmpty { recorder.fail("navigation: \(error)") }
            recorder.loaderID = navigation["loaderId"]?.string
        } catch {
            return recorder.load(incomplete: "navigation: \(error)", durationMs: elapsed())
        }
        while !recorder.isSettled {
            // Checked here too: a stream with events buffered hands them out even to a cancelled task.
            if Task.isCancelled { return recorder.load(incomplete: "interrupted", durationMs: elapsed()) }
            guard let event = await events.next() else {
                let why = Task.isCancelled ? "interrupted" : "the DevTools connection closed"
                return recorder.load(incomplete: why, durationMs: elapsed())
            }
            if event.method == Self.timeoutEvent {
                guard event.params["load"]?.int == serial else { continue }
                let state = !recorder.loaded ? "no load event" : recorder.inFlight > 0 ? "\(recorder.inFlight) requests still in flight"
                    : "never quiet"
                return recorder.load(incomplete: "timeout: \(state) after \(limit)", durationMs: elapsed())
            }
            switch event.method {
            case Self.iconWaitEvent:
                guard event.params["load"]?.int == serial else { continue }
                recorder.iconWaitOver = true
                if logger.logLevel <= .debug { phases += " no icon request at \(Int(elapsed())) ms;" }
            case Self.noIconEvent:
                guard event.params["load"]?.int == serial else { continue }
                recorder.iconWaitOver = true
                if logger.logLevel <= .debug { phases += " no http(s) icon declared;" }
            case Self.installCheckEvent:
                guard event.params["load"]?.int == serial else { continue }
                recorder.installCheckOver()
                if logger.logLevel <= .debug { phases += " install check done at \(Int(elapsed())) ms;" }
            case Self.quietEvent:
                guard event.params["load"]?.int == serial, event.params["activity"]?.int == recorder.activity, recorder.isQuiet
                else { continue }
                recorder.quietOver = true
                if logger.logLevel <= .debug { phases += " quiet at \(Int(elapsed())) ms;" }
            default:
                if logger.logLevel <= .trace, let text = try? JSONEncoder().encode(event.params) {
                    logger.trace("\(session.prefix(8)) \(event.method) \(String(decoding: text, as: UTF8.self).prefix(2000))")
                }
                let before = (recorder.loaded, recorder.iconRequested)
                recorder.handle(event.method, event.params)
                if logger.logLevel <= .debug, before != (recorder.loaded, recorder.iconRequested) {
                    phases += " load \(recorder.loaded ? "y" : "n") icon \(recorder.iconRequested ? "y" : "n") at \(Int(elapsed())) ms;"
                }
            }
            if recorder.loaded, afterLoad == nil {
                recorder.installCheckPending = true
                let iconWanted = !recorder.iconRequested && !recorder.iconWaitOver
                afterLoad = Task { await self.checksAfterLoad(serial, iconWanted: iconWanted) }
            }
            // A quiet window starts with each change that leaves the load quiet; a request
            // in between makes the window's event stale (its activity count is not current).
            if recorder.isQuiet, !recorder.quietOver, quietWindow?.activity != recorder.activity {
                quietWindow?.timer.cancel()
                quietWindow = (recorder.activity, after(Self.quietWindow, Self.quietEvent, activity: recorder.activity))
            }
            if recorder.isQuiet, recorder.quietOver, !recorder.iconRequested, !recorder.iconWaitOver, iconWait == nil {
                iconWait = after(options.iconWait, Self.iconWaitEvent)
            }
        }
        logger.debug("browser: \(url) load \(serial) phases:\(phases) settled at \(Int(elapsed())) ms")
        return recorder.load(incomplete: nil, durationMs: elapsed())
    }

    /// What Chromium does after the load event that a page of a DevTools browser context
    /// would not do by itself, and what tells that no icon request will come:
    /// - The declared icons (`<link rel~=icon>` in the head, as Chromium's favicon driver reads
    ///   them): when some are declared and none is an http(s) URL (a `data:` icon), Chromium
    ///   makes no icon request, and the load need not wait for one.
    /// - The web-app install check. Chrome runs it on every load in a normal or incognito
    ///   window (it fetches the `<link rel=manifest>` and the manifest's best icon), but not
    ///   in a context made with `Target.createBrowserContext`; `Page.getInstallabilityErrors`
    ///   runs the same check, and the load is not over before it answers.
    private func checksAfterLoad(_ serial: Int, iconWanted: Bool) async {
        let params: DevToolsJSON = ["load": .number(Double(serial))]
        if iconWanted {
            let expression = """
                (() => { const icons = document.head ? [...document.head.children].filter(e => e.localName === 'link' \
                && /(^|\\s)icon(\\s|$)/i.test(e.rel)).map(e => e.href) : []; \
                return icons.length > 0 && !icons.some(h => /^https?:/i.test(h)); })()
                """
            let answer = try? await send("Runtime.evaluate", ["expression": .string(expression), "returnByValue": true])
            if answer?["result"]?["value"]?.bool == true { connection.inject(.init(method: Self.noIconEvent, params: params), session: session) }
        }
        _ = try? await connection.send("Page.getInstallabilityErrors", session: session, timeout: Self.installCheckLimit)
        connection.inject(.init(method: Self.installCheckEvent, params: params), session: session)
    }

    static let timeoutEvent = "assetcrawl.timeout"
    static let iconWaitEvent = "assetcrawl.iconWait"
    static let quietEvent = "assetcrawl.quiet"
    static let noIconEvent = "assetcrawl.noIcon"
    static let installCheckEvent = "assetcrawl.installCheck"
    /// The longest the install check may take before the load goes on without it.
    static let installCheckLimit = Duration.seconds(10)
    /// How long a load must stay quiet (load event fired, no request in flight, none started
    /// or ended) to be over: counted from DevTools' own request events, not Chromium's
    /// `networkIdle` (500 ms of no traffic, measured in the renderer, and reported late).
    static let quietWindow = Duration.milliseconds(250)

    /// Lets a paused request through when its origin is allowed, fails it as blocked otherwise.
    private static func decide(_ params: DevToolsJSON, allowed: Set<String>, connection: DevToolsConnection, session: String) async {
        guard let id = params["requestId"]?.string else { return }
        let url = params["request"]?["url"]?.string.flatMap(URL.init(string:))
        if let url, !allowed.contains(WebURL.origin(of: url)) {
            _ = try? await connection.send("Fetch.failRequest", ["requestId": .string(id), "errorReason": "BlockedByClient"], session: session)
        } else {
            _ = try? await connection.send("Fetch.continueRequest", ["requestId": .string(id)], session: session)
        }
    }

    /// Leaves the page for about:blank, so that the next load of it is a new visit (not a
    /// reload, which would revalidate), served by the context's cache as a returning visitor's.
    func leave() async {
        _ = try? await send("Page.navigate", ["url": "about:blank"])
    }

    /// Closes the tab and throws its context (and the context's cache) away.
    func close() async {
        connection.stopEvents(session: session)
        connection.stopEvents(session: DevToolsConnection.interception(session))
        await interceptor?.value
        _ = try? await connection.send("Target.closeTarget", ["targetId": .string(targetID)], timeout: .seconds(5))
        _ = try? await connection.send("Target.disposeBrowserContext", ["browserContextId": .string(contextID)], timeout: .seconds(5))
    }
}
