internal import ArgumentParser
internal import Audit
internal import Browser
internal import CrawlModel
internal import Foundation
internal import Logging

/// The flags of `crawl --browser`: load every crawled page in headless Chromium as well.
struct BrowserFlags: ParsableArguments {
    @Flag(name: .long, help: "Also load every crawled page in headless Chromium (cold, then as a repeat visit) and report what it fetched.")
    var browser = false

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("With --browser: pages loaded at once, each in a browser context of its own.", valueName: "n"))
    var tabs: Int = 4

    @Option(name: .customLong("browser-timeout"), parsing: .unconditional, help: ArgumentHelp("With --browser: give up on a page load after this many seconds (recorded as incomplete).", valueName: "seconds"))
    var browserTimeout: Double = 30

    func validate() throws {
        try OptionValidation.count("--tabs", tabs, in: 1...64, example: 4)
        try OptionValidation.seconds("--browser-timeout", browserTimeout, in: OptionValidation.timeoutRange)
    }

    /// Fails before the crawl when --browser was given and no Chromium is installed.
    func checkBrowserInstalled() throws {
        if browser, !Browser.isInstalled { throw UsageError(message: BrowserError.missing.message) }
    }

    /// Whether some page's icon (declared, or the implicit `/favicon.ico`) failed or was not
    /// fetched in the static crawl: Chromium would remember such an icon across pages, so the
    /// tabs then need a Chromium each (`BrowserOptions.processPerTab`).
    static func someIconFails(_ result: CrawlResult) -> Bool {
        result.pages.contains { page in
            page.references.contains { ref in
                guard ref.kind == .icon, ref.role == .requisite, let url = ref.url else { return false }
                guard let status = result.resources[url]?.exchange.status else { return true }
                return status >= 400
            }
        }
    }

    /// Loads the crawl's pages of its own origins in Chromium; nil without --browser.
    /// Ctrl-C stops the pass (Chromium is stopped and its profile removed either way): the
    /// pages done are returned, the others marked, and `interrupted` is true.
    func visits(_ result: CrawlResult, viewport: String, noExternal: Bool, logger: Logger) async throws -> (visits: [BrowserVisit], interrupted: Bool)? {
        guard browser else { return nil }
        var options = BrowserOptions()
        // The browser model's viewport (--viewport, checked by CrawlOptions), for Chromium's emulation.
        if let v = try? Viewport(parsing: viewport) {
            options.viewport = BrowserOptions.Viewport(width: Int(v.width), height: Int(v.height), deviceScaleFactor: v.devicePixelRatio)
        }
        options.tabs = tabs
        options.loadTimeout = CrawlOptions.seconds(browserTimeout)
        let origins = Set(result.startURLs.compactMap(URL.init(string:)).map(WebURL.origin(of:)))
        if noExternal { options.allowedOrigins = origins }
        options.processPerTab = Self.someIconFails(result)
        let resources = result.resources
        options.knownResponse = { url in
            guard let exchange = resources[url]?.exchange, let status = exchange.status else { return nil }
            return .init(status: status, contentEncoding: exchange.responseHeaders.first("Content-Encoding"), bodyBytes: exchange.bodyBytes)
        }
        let pages = result.pages.map(\.url).filter { URL(string: $0).map { origins.contains(WebURL.origin(of: $0)) } ?? false }
        let task = Task {
            try await Browser.withBrowser(logger: logger) { browser in
                await browser.visit(pages, options: options)
            }
        }
        do {
            let visits = try await Interrupt.shared.during(task)
            return (visits, task.isCancelled)
        } catch where task.isCancelled {
            // Interrupted while Chromium was starting: no page was loaded.
            return (pages.map { BrowserVisit(url: $0, firstVisit: BrowserLoad(incomplete: "interrupted"), repeatVisit: nil) }, true)
        } catch let error as BrowserError {
            throw UsageError(message: error.code == .chromiumMissing ? error.message : "--browser: \(error.message)")
        }
    }
}
