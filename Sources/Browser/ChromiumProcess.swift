internal import Foundation
#if canImport(Glibc)
internal import Glibc
#endif

/// A headless Chromium process with a profile folder of its own, started and stopped by
/// ``Browser/withBrowser(executable:logger:_:)``.
final class ChromiumProcess: @unchecked Sendable {  // immutable after init but for `process`, used from one task
    let process: Process
    let profile: URL
    /// `ws://127.0.0.1:PORT/devtools/browser/…`, printed by Chromium on stderr.
    let webSocketURL: URL

    /// The executable: the first of `chromium`, `chromium-browser` on `PATH`.
    static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        let path = environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            for name in ["chromium", "chromium-browser"] {
                let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            }
        }
        return nil
    }

    /// The command line: headless, a fresh profile, a DevTools port the kernel picks, and no
    /// background traffic (component updates, sync, field trials) beside the pages' own.
    static func arguments(profile: URL, runningAsRoot: Bool) -> [String] {
        var arguments = [
            "--headless=new", "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
            "--user-data-dir=\(profile.path)", "--no-first-run", "--no-default-browser-check",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
            "--disable-default-apps", "--disable-breakpad", "--metrics-recording-only", "--mute-audio", "--hide-scrollbars",
            "--disable-features=Translate,OptimizationHints,MediaRouter,InterestFeedContentSuggestions,BackForwardCache,ProactivelySwapBrowsingInstance",
            "--disable-gpu", "--disable-renderer-backgrounding", "--disable-background-timer-throttling",
            "--disable-backgrounding-occluded-windows",
        ]
        // Chromium refuses to start as root with its sandbox ("Running as root without
        // --no-sandbox is not supported"); containers and CI machines often run as root.
        if runningAsRoot { arguments.append("--no-sandbox") }
        arguments.append("about:blank")
        return arguments
    }

    private init(process: Process, profile: URL, webSocketURL: URL) {
        self.process = process
        self.profile = profile
        self.webSocketURL = webSocketURL
    }

    /// Starts Chromium and waits (up to `timeout`) for its DevTools address.
    static func launch(executable: URL, timeout: Duration) async throws -> ChromiumProcess {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("assetcrawl-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments(profile: profile, runningAsRoot: geteuid() == 0)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let pipe = Pipe()
        process.standardError = pipe
        let tail = StderrTail()
        // Read stderr for as long as Chromium runs: a full pipe would stall it.
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil } else { tail.append(data) }
        }
        do {
            try process.run()
        } catch {
            try? FileManager.default.removeItem(at: profile)
            throw BrowserError(.launch, "cannot start \(executable.path): \(error.localizedDescription)")
        }
        let deadline = ContinuousClock.now + timeout
        while true {
            if let url = tail.webSocketURL {
                return ChromiumProcess(process: process, profile: profile, webSocketURL: url)
            }
            if !process.isRunning || ContinuousClock.now > deadline || Task.isCancelled {
                let running = process.isRunning
                let stopped = ChromiumProcess(process: process, profile: profile, webSocketURL: URL(string: "ws://127.0.0.1/")!)
                await stopped.stop()
                let why = running ? "no DevTools address after \(timeout)" : "it exited with status \(process.terminationStatus)"
                throw BrowserError(.launch, "chromium did not start: \(why); its last output: \(tail.text.suffix(400))")
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Stops the process (SIGTERM, then SIGKILL after two seconds), waits for it, and removes the profile.
    func stop() async {
        let pid = process.processIdentifier
        if process.isRunning { kill(pid, SIGTERM) }
        // Plain sleeps: Task.sleep returns at once in a cancelled task (Ctrl-C), and this must wait anyway.
        let deadline = ContinuousClock.now + .seconds(2)
        while process.isRunning && ContinuousClock.now < deadline { usleep(20_000) }
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
        (process.standardError as? Pipe)?.fileHandleForReading.readabilityHandler = nil
        removeProfile()
    }

    /// Removes the profile once nothing of Chromium writes to it. The browser process can
    /// exit before its helpers (a renderer, the network service) do, and a helper still
    /// writing made the removal fail or left a folder behind (seen under a parallel test run):
    /// each round stops the helpers that name this profile, then removes it. At most a second.
    private func removeProfile() {
        let marker = "--user-data-dir=\(profile.path)"
        for _ in 0..<50 {
            let helpers = Self.processes(withArgument: marker)
            for pid in helpers { kill(pid, SIGKILL) }
            try? FileManager.default.removeItem(at: profile)
            if helpers.isEmpty, !FileManager.default.fileExists(atPath: profile.path) { return }
            usleep(20_000)
        }
    }

    /// The processes with `argument` on their command line (from /proc; none elsewhere).
    static func processes(withArgument argument: String) -> [pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        let needle = Array(argument.utf8)
        return entries.compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry), pid != getpid(),
                  let cmdline = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return nil }
            return cmdline.split(separator: 0).contains { $0.elementsEqual(needle) } ? pid : nil
        }
    }
}

/// The last few kilobytes Chromium wrote on stderr, and the DevTools address once seen.
private final class StderrTail: @unchecked Sendable {  // every access under `lock`
    private let lock = NSLock()
    private var buffer = ""
    private var url: URL?

    func append(_ data: Data) {
        lock.withLock {
            buffer += String(decoding: data, as: UTF8.self)
            if url == nil, let range = buffer.range(of: "DevTools listening on ") {
                let rest = buffer[range.upperBound...]
                if let end = rest.firstIndex(where: \.isNewline) { url = URL(string: String(rest[..<end])) }
            }
            if buffer.count > 8192 { buffer = String(buffer.suffix(4096)) }
        }
    }

    var webSocketURL: URL? { lock.withLock { url } }
    var text: String { lock.withLock { buffer } }
}
