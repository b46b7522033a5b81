internal import CrawlModel

/// Chromium's favicon service remembers, for the whole browser session and across every
/// browser context (off-the-record contexts share the profile's service), each icon URL that
/// answered 404, and never asks for it again: without a reset, only the first page of an
/// origin without `/favicon.ico` would show the request that every cold visitor makes.
/// A hard reload (ignoring the cache) of a page in the default context clears that memory
/// (`ContentFaviconDriver::DidStartNavigation` → `ClearUnableToDownloadFavicons`).
extension Browser {
    /// Opens the default-context page whose hard reloads reset the icon memory; its session id.
    static func openIconReset(_ connection: DevToolsConnection) async throws -> String {
        let target = try await connection.send("Target.createTarget", ["url": "about:blank"])
        guard let targetID = target["targetId"]?.string else { throw BrowserError(.command, "no targetId") }
        let attached = try await connection.send("Target.attachToTarget", ["targetId": .string(targetID), "flatten": true])
        guard let session = attached["sessionId"]?.string else { throw BrowserError(.command, "no sessionId") }
        return session
    }

    /// Makes Chromium forget the icons it failed to download, so that the next cold load asks
    /// for its icon as a first-time visitor's browser does.
    func forgetMissingIcons() async {
        do {
            try await connection.send("Page.reload", ["ignoreCache": true], session: iconReset, timeout: .seconds(5))
        } catch {
            logger.debug("browser: cannot reset the icon memory: \(error)")
        }
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
