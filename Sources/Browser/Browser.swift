public import CrawlModel
public import Foundation
public import Logging

/// Headless Chromium driven through the DevTools protocol: loads pages as a visitor would
/// and records every request they make.
///
/// ```swift
/// let visits = try await Browser.withBrowser(logger: logger) { browser in
///     await browser.visit(["http://127.0.0.1:8080/"], options: BrowserOptions())
/// }
/// ```
public final class Browser: Sendable {
    let connection: DevToolsConnection
    let logger: Logger

    private init(connection: DevToolsConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Whether a Chromium (`chromium` or `chromium-browser`) is on PATH.
    public static var isInstalled: Bool { ChromiumProcess.locate() != nil }

    /// Starts Chromium (`executable`, else `chromium` on PATH) with a fresh profile, runs
    /// `body`, and always stops the process and removes the profile, on error and
    /// cancellation too. Throws ``BrowserError/missing`` when there is no Chromium.
    public static func withBrowser<T: Sendable>(
        executable: URL? = nil, logger: Logger, _ body: (Browser) async throws -> T
    ) async throws -> T {
        guard let executable = executable ?? ChromiumProcess.locate() else { throw BrowserError.missing }
        let process = try await ChromiumProcess.launch(executable: executable, timeout: .seconds(30))
        logger.debug("chromium \(process.process.processIdentifier) listening on \(process.webSocketURL)")
        let connection: DevToolsConnection
        do {
            connection = try await DevToolsConnection.connect(to: process.webSocketURL)
        } catch {
            await process.stop()
            throw error
        }
        let browser = Browser(connection: connection, logger: logger)
        do {
            let result = try await body(browser)
            await browser.close(process)
            return result
        } catch {
            await browser.close(process)
            throw error
        }
    }

    private func close(_ process: ChromiumProcess) async {
        // Browser.close lets Chromium shut down its children itself; the signal follows anyway.
        _ = try? await connection.send("Browser.close", timeout: .seconds(2))
        await connection.close()
        await process.stop()
    }

    /// Loads each page cold and then again (unless `options.repeatVisit` is off), `options.tabs` at a time, in an isolated browser
    /// context each; results in the order of `pages`. A page that fails is recorded with
    /// its reason and the others go on.
    public func visit(_ pages: [String], options: BrowserOptions,
                      progress: (@Sendable (Int) -> Void)? = nil) async -> [BrowserVisit] {
        var results = [BrowserVisit?](repeating: nil, count: pages.count)
        await withTaskGroup(of: (Int, BrowserVisit).self) { group in
            var next = 0
            func startNext() {
                guard next < pages.count else { return }
                let index = next
                next += 1
                group.addTask { (index, await self.visit(pages[index], options: options)) }
            }
            for _ in 0..<max(1, options.tabs) { startNext() }
            var done = 0
            for await (index, visit) in group {
                results[index] = visit
                done += 1
                progress?(done)
                if !Task.isCancelled { startNext() }
            }
        }
        return zip(pages, results).map { url, visit in
            visit ?? BrowserVisit(url: url, firstVisit: BrowserLoad(incomplete: "interrupted before this page"), repeatVisit: nil)
        }
    }

    /// One page: a fresh browser context, a cold load, then a repeat visit in the same context.
    public func visit(_ url: String, options: BrowserOptions) async -> BrowserVisit {
        let tab: BrowserTab
        let opening = ContinuousClock.now
        do {
            tab = try await BrowserTab.open(connection, options: options, logger: logger)
            logger.debug("browser: tab for \(url) opened in \(ContinuousClock.now - opening)")
        } catch {
            logger.warning("browser: cannot open a tab for \(url): \(error)")
            return BrowserVisit(url: url, firstVisit: BrowserLoad(incomplete: "browser: \(error)"), repeatVisit: nil)
        }
        let first = await tab.load(url)
        var second: BrowserLoad?
        if options.repeatVisit, !Task.isCancelled {
            await tab.leave()
            // Chromium's favicon service remembers an icon that failed (a 404 /favicon.ico) for
            // the whole session and never asks again: the repeat visit does not wait for it.
            second = await tab.load(url, expectIcon: !first.iconFailed)
        }
        let closing = ContinuousClock.now
        await tab.close()
        logger.debug("browser: tab for \(url) closed in \(ContinuousClock.now - closing)")
        logger.debug("browser: \(url) first \(first.wireBytes) B in \(Int(first.durationMs)) ms, repeat \(second?.wireBytes ?? 0) B in \(Int(second?.durationMs ?? 0)) ms")
        return BrowserVisit(url: url, firstVisit: first, repeatVisit: second)
    }
}

extension BrowserLoad {
    /// The load's icon request (what ``LoadRecorder`` takes for it) failed or never came.
    var iconFailed: Bool {
        let icon = requests.last { $0.resourceType == "Other" && $0.initiator == "other" && $0.initiatorURL == nil }
        guard let icon else { return true }
        return icon.error != nil || (icon.status ?? 0) >= 400
    }
}
