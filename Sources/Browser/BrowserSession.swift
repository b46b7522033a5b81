internal import Foundation
internal import Logging

/// One Chromium process and its DevTools connection. Each worker of a browser pass has a
/// session of its own when some icon fails (`BrowserOptions.processPerTab`), because one
/// piece of Chromium's state outlives browser contexts: its
/// favicon service remembers, for the whole process and across every context (off-the-record
/// contexts share the profile's service), each icon URL that answered 404, and never asks
/// again. A hard reload of a page in the default context clears that memory
/// (`ContentFaviconDriver::DidStartNavigation` → `ClearUnableToDownloadFavicons`); done
/// before each cold load of a session that loads one page at a time, every cold load asks
/// for its icon as a first-time visitor's browser does. Two loads in parallel in one process
/// would race: one's 404 could land between the other's reset and its icon request.
final class BrowserSession: Sendable {
    let process: ChromiumProcess
    let connection: DevToolsConnection
    /// A page of the default (not off-the-record) context, kept on about:blank, whose hard
    /// reloads reset the icon memory.
    let iconReset: String
    let logger: Logger

    private init(process: ChromiumProcess, connection: DevToolsConnection, iconReset: String, logger: Logger) {
        self.process = process
        self.connection = connection
        self.iconReset = iconReset
        self.logger = logger
    }

    /// Starts Chromium with a fresh profile and connects to it; the process is stopped when this throws.
    static func start(executable: URL, logger: Logger) async throws -> BrowserSession {
        let process = try await ChromiumProcess.launch(executable: executable, timeout: .seconds(30))
        logger.debug("chromium \(process.process.processIdentifier) listening on \(process.webSocketURL)")
        do {
            let connection = try await DevToolsConnection.connect(to: process.webSocketURL)
            let target = try await connection.send("Target.createTarget", ["url": "about:blank"])
            guard let targetID = target["targetId"]?.string else { throw BrowserError(.command, "no targetId") }
            let attached = try await connection.send("Target.attachToTarget", ["targetId": .string(targetID), "flatten": true])
            guard let session = attached["sessionId"]?.string else { throw BrowserError(.command, "no sessionId") }
            return BrowserSession(process: process, connection: connection, iconReset: session, logger: logger)
        } catch {
            await process.stop()
            throw error
        }
    }

    /// Makes Chromium forget the icons it failed to download.
    func forgetMissingIcons() async {
        do {
            try await connection.send("Page.reload", ["ignoreCache": true], session: iconReset, timeout: .seconds(5))
        } catch {
            logger.debug("browser: cannot reset the icon memory: \(error)")
        }
    }

    /// Stops Chromium and removes its profile.
    func close() async {
        // Browser.close lets Chromium shut down its children itself; the signal follows anyway.
        _ = try? await connection.send("Browser.close", timeout: .seconds(2))
        await connection.close()
        await process.stop()
    }
}
