import Foundation
import Testing
import TestSupport

/// A database for one test: the server in `ASSETCRAWL_TEST_POSTGRES_URL`, in a schema of the
/// test's own (one crawl per schema), so tests never see each other's crawls.
///
/// The lease is 20 s: a process that misses its renewals for a lease is taken for dead (its
/// claims and host slots go to the others), which is right for a crash and wrong for a test
/// process starved for 2 s by the parallel suite on 2 cores (CI saw `--per-host 2` at 3).
/// A test of what happens after a kill asks for a short lease itself.
func testDatabase(lease: Int = 20) throws -> String {
    let base = try #require(ExternalTool.postgresServer.url)
    let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
    return base + (base.contains("?") ? "&" : "?") + "schema=\(schema)&lease=\(lease)"
}

/// A running `assetcrawl` process, its output in files (no pipe to fill).
final class CLIProcess: @unchecked Sendable {
    let process = Process()
    let output: URL

    init(_ arguments: [String], in directory: URL, name: String) throws {
        output = directory.appendingPathComponent("\(name).log")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        process.executableURL = RepoPaths.binary
        process.arguments = arguments
        process.currentDirectoryURL = RepoPaths.root
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var log: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

    /// Waits for the exit (bounded: `timeout` seconds, then SIGKILL) and returns the status.
    func wait(timeout: Double = 180) async -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal ? -process.terminationStatus : process.terminationStatus
    }
}

/// A folder for one test's files, removed after `body`.
func withScratch<T>(_ body: (URL) async throws -> T) async throws -> T {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("assetcrawl-pg-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    return try await body(dir)
}

/// Two report files compared line by line; the first difference, if any.
func firstDifference(_ expectedPath: URL, _ actualPath: URL) throws -> String? {
    let e = try String(contentsOf: expectedPath, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
    let a = try String(contentsOf: actualPath, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
    if let line = zip(e, a).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
        return "line \(line + 1): \(e[line]) → \(a[line])"
    }
    return e.count == a.count ? nil : "\(e.count) lines expected, \(a.count) written"
}

/// Requests by `METHOD TARGET [INM|IMS]`, counted on the server's side.
final class RequestLog: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [String: Int] = [:]

    func record(method: String, target: String, headers: [(name: String, value: String)]) {
        let names = Set(headers.map { $0.name.lowercased() })
        let condition = names.contains("if-none-match") ? " INM" : names.contains("if-modified-since") ? " IMS" : ""
        lock.lock(); defer { lock.unlock() }
        counts["\(method) \(target)\(condition)", default: 0] += 1
    }

    /// The counts so far, and starts again from nothing.
    func take() -> [String: Int] {
        lock.lock(); defer { lock.unlock() }
        defer { counts = [:] }
        return counts
    }
}
