public import CrawlModel
public import Foundation
public import Logging
internal import NIOConcurrencyHelpers

/// Headless Chromium driven through the DevTools protocol: loads pages as a visitor would
/// and records every request they make.
///
/// ```swift
/// let visits = try await Browser.withBrowser(logger: logger) { browser in
///     await browser.visit(["http://127.0.0.1:8080/"], options: BrowserOptions())
/// }
/// ```
public final class Browser: Sendable {
    /// The first worker's Chromium; the others start their own (see ``BrowserSession``).
    let main: BrowserSession
    let executable: URL
    let logger: Logger

    private init(main: BrowserSession, executable: URL, logger: Logger) {
        self.main = main
        self.executable = executable
        self.logger = logger
    }

    /// Whether a Chromium (`chromium` or `chromium-browser`) is on PATH.
    public static var isInstalled: Bool { ChromiumProcess.locate() != nil }

    /// Starts Chromium (`executable`, else `chromium` on PATH) with a fresh profile, runs
    /// `body`, and always stops every Chromium it started and removes their profiles, on error
    /// and cancellation too. Throws ``BrowserError/missing`` when there is no Chromium.
    public static func withBrowser<T: Sendable>(
        executable: URL? = nil, logger: Logger, _ body: (Browser) async throws -> T
    ) async throws -> T {
        guard let executable = executable ?? ChromiumProcess.locate() else { throw BrowserError.missing }
        let main = try await BrowserSession.start(executable: executable, logger: logger)
        let browser = Browser(main: main, executable: executable, logger: logger)
        do {
            let result = try await body(browser)
            await main.close()
            return result
        } catch {
            await main.close()
            throw error
        }
    }

    /// Loads each page cold and then again (unless `options.repeatVisit` is off), `options.tabs`
    /// at a time, in an isolated browser context each; results in the order of `pages`. A
    /// page that fails is recorded with its reason and the others go on.
    ///
    /// Each of the `tabs` workers loads its pages one at a time in a Chromium of its own (the
    /// first worker in the one ``withBrowser(executable:logger:_:)`` started; all of them there
    /// without `options.processPerTab`), opens its next
    /// tab (a context and a renderer, the slowest step) while the current page loads, and
    /// closes a finished tab without waiting for it.
    public func visit(_ pages: [String], options: BrowserOptions,
                      progress: (@Sendable (Int) -> Void)? = nil) async -> [BrowserVisit] {
        let queue = PageQueue(count: pages.count)
        var results = [BrowserVisit?](repeating: nil, count: pages.count)
        await withTaskGroup(of: [(Int, BrowserVisit)].self) { group in
            for worker in 0..<min(max(1, options.tabs), pages.count) {
                group.addTask {
                    guard worker > 0, options.processPerTab else {
                        return await self.work(pages, in: self.main, queue: queue, options: options, progress: progress)
                    }
                    let session: BrowserSession
                    do {
                        session = try await BrowserSession.start(executable: self.executable, logger: self.logger)
                    } catch {
                        // The other workers go on with the pages.
                        self.logger.warning("browser: cannot start a Chromium for worker \(worker + 1): \(error)")
                        return []
                    }
                    let done = await self.work(pages, in: session, queue: queue, options: options, progress: progress)
                    await session.close()
                    return done
                }
            }
            for await done in group {
                for (index, visit) in done { results[index] = visit }
            }
        }
        return zip(pages, results).map { url, visit in
            visit ?? BrowserVisit(url: url, firstVisit: BrowserLoad(incomplete: "interrupted before this page"), repeatVisit: nil)
        }
    }

    /// One worker of ``visit(_:options:progress:)``: pages from `queue` until it is empty or the task is cancelled.
    private func work(_ pages: [String], in session: BrowserSession, queue: PageQueue, options: BrowserOptions,
                      progress: (@Sendable (Int) -> Void)?) async -> [(Int, BrowserVisit)] {
        var done: [(Int, BrowserVisit)] = []
        var spare: Task<BrowserTab, any Error>?
        var closing: [Task<Void, Never>] = []
        while !Task.isCancelled, let index = queue.take() {
            let tab = spare ?? openTab(in: session, options)
            spare = queue.isEmpty ? nil : openTab(in: session, options)
            let result: BrowserVisit
            do {
                let opened = try await tab.value
                result = await visit(pages[index], in: opened, of: session, options: options)
                closing.append(Task { await opened.close() })
            } catch {
                logger.warning("browser: cannot open a tab for \(pages[index]): \(error)")
                result = BrowserVisit(url: pages[index], firstVisit: BrowserLoad(incomplete: "browser: \(error)"), repeatVisit: nil)
            }
            done.append((index, result))
            progress?(queue.finish())
        }
        if let spare, let unused = try? await spare.value { await unused.close() }
        for task in closing { await task.value }
        return done
    }

    private func openTab(in session: BrowserSession, _ options: BrowserOptions) -> Task<BrowserTab, any Error> {
        let connection = session.connection, logger = self.logger
        return Task {
            let opening = ContinuousClock.now
            let tab = try await BrowserTab.open(connection, options: options, logger: logger)
            logger.debug("browser: tab opened in \(ContinuousClock.now - opening)")
            return tab
        }
    }

    /// One page: a fresh browser context, a cold load, then a repeat visit in the same context
    /// (in the first Chromium: call it for one page at a time, see ``BrowserSession``).
    public func visit(_ url: String, options: BrowserOptions) async -> BrowserVisit {
        let tab: BrowserTab
        do {
            tab = try await openTab(in: main, options).value
        } catch {
            logger.warning("browser: cannot open a tab for \(url): \(error)")
            return BrowserVisit(url: url, firstVisit: BrowserLoad(incomplete: "browser: \(error)"), repeatVisit: nil)
        }
        let visit = await visit(url, in: tab, of: main, options: options)
        await tab.close()
        return visit
    }

    /// The cold load and the repeat visit of `url` in `tab` (of `session`), a context no load has used yet.
    private func visit(_ url: String, in tab: BrowserTab, of session: BrowserSession, options: BrowserOptions) async -> BrowserVisit {
        await session.forgetMissingIcons()
        let first = await tab.load(url)
        var second: BrowserLoad?
        if options.repeatVisit, !Task.isCancelled {
            await tab.leave()
            // Chromium's favicon service remembers an icon that failed (a 404 /favicon.ico) for
            // the whole session and never asks again: the repeat visit does not wait for it.
            second = await tab.load(url, expectIcon: !first.iconFailed)
        }
        logger.debug("browser: \(url) first \(first.wireBytes) B in \(Int(first.durationMs)) ms, repeat \(second?.wireBytes ?? 0) B in \(Int(second?.durationMs ?? 0)) ms")
        return BrowserVisit(url: url, firstVisit: first, repeatVisit: second)
    }
}

/// The pages not yet taken by a worker, and how many are done.
private final class PageQueue: Sendable {
    private let state: NIOLockedValueBox<(next: Int, done: Int)>
    private let count: Int

    init(count: Int) {
        self.count = count
        self.state = NIOLockedValueBox((0, 0))
    }

    /// The next page's index, nil when every page was taken.
    func take() -> Int? {
        state.withLockedValue { s in
            guard s.next < count else { return nil }
            defer { s.next += 1 }
            return s.next
        }
    }

    var isEmpty: Bool { state.withLockedValue { $0.next >= count } }

    /// Counts one page as done; how many are.
    func finish() -> Int { state.withLockedValue { s in s.done += 1; return s.done } }
}
