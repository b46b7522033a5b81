public import Foundation

/// Paths every test target needs, found from this file (never from the working directory).
public enum RepoPaths {
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static let fixtureSite = root.appendingPathComponent("Samples/FixtureSite")

    /// The `assetcrawl` binary that `swift test` built beside the test bundle.
    public static var binary: URL {
        var dir = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        while !FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("assetcrawl").path), dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("assetcrawl")
    }
}

/// A fresh temporary folder holding `files` (path → text), removed after `body`.
public func withTemporarySite<T>(_ files: [String: String], _ body: (URL) async throws -> T) async throws -> T {
    try await withTemporarySite(files.mapValues { Array($0.utf8) }, body)
}

/// A fresh temporary folder holding `files` (path → bytes), removed after `body`.
public func withTemporarySite<T>(_ files: [String: [UInt8]], _ body: (URL) async throws -> T) async throws -> T {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("assetcrawl-site-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: root) }
    for (path, content) in files {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(content).write(to: url)
    }
    return try await body(root)
}

/// Runs a program to completion in the repository root; returns its exit status, stdout and stderr.
///
/// Both pipes are drained at once: a child that fills one pipe while the other is being
/// read would otherwise never finish. The blocking reads and the wait run on a thread of their
/// own, never on the Swift concurrency pool: on a 2-core runner that pool has two threads, and
/// two tests waiting for child processes on it starved every in-process crawl of the suite
/// (`--max-time` and timeout tests then failed only in full runs).
@discardableResult
public func runProcess(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil)
    async throws -> (status: Int32, stdout: String, stderr: String)
{
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result { try runProcessBlocking(executable, arguments, environment: environment) })
        }
    }
}

private func runProcessBlocking(_ executable: URL, _ arguments: [String], environment: [String: String]?)
    throws -> (status: Int32, stdout: String, stderr: String)
{
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = RepoPaths.root
    if let environment { process.environment = environment }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    nonisolated(unsafe) var errData = Data()
    let errRead = DispatchGroup()
    errRead.enter()
    DispatchQueue.global().async {
        errData = err.fileHandleForReading.readDataToEndOfFile()
        errRead.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    errRead.wait()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}

/// A self-signed certificate for 127.0.0.1 (valid 2000–2999), copied for one test into a
/// folder of its own.
///
/// The pair is committed (Tests/TestSupport/Certificates, made once with Python's
/// `cryptography`), so no test needs openssl; the key protects nothing but these tests.
public struct TestCertificate {
    public let directory: URL
    public var certificate: URL { directory.appendingPathComponent("cert.pem") }
    public var key: URL { directory.appendingPathComponent("key.pem") }

    static let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Certificates")

    public static func make() throws -> TestCertificate {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("assetcrawl-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let cert = TestCertificate(directory: directory)
        try FileManager.default.copyItem(at: source.appendingPathComponent("cert.pem"), to: cert.certificate)
        try FileManager.default.copyItem(at: source.appendingPathComponent("key.pem"), to: cert.key)
        return cert
    }

    public func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// Creates (or truncates) `url` and lets `body` write to it, as the CLI does for a report.
public func writing(to url: URL, _ body: (FileHandle) throws -> Void) throws {
    guard FileManager.default.createFile(atPath: url.path, contents: nil) else { throw CocoaError(.fileWriteNoPermission) }
    let handle = try FileHandle(forWritingTo: url)
    defer { try? handle.close() }
    try body(handle)
}
