import Foundation

/// Paths the end-to-end tests need, found from this file (no dependency on the working directory).
enum Repo {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtureSite = root.appendingPathComponent("Samples/FixtureSite")
    static let manifest = root.appendingPathComponent("Samples/FixtureSite.manifest.json")

    /// The `assetcrawl` binary built beside the test bundle.
    static var binary: URL {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        // The bundle may be a directory (…/assetcrawlPackageTests.xctest) on some toolchains.
        while !FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("assetcrawl").path), dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("assetcrawl")
    }
}

/// The fixture site's ground truth.
struct FixtureManifest: Decodable {
    var pages: [String: [String]]
    var broken: [String]
    var notCrawled: [String]

    static func load() throws -> FixtureManifest {
        try JSONDecoder().decode(FixtureManifest.self, from: Data(contentsOf: Repo.manifest))
    }
}

/// Runs the CLI binary; returns exit status, stdout and stderr.
func runCLI(_ arguments: [String], timeout: TimeInterval = 120) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = Repo.binary
    process.arguments = arguments
    process.currentDirectoryURL = Repo.root
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Drain both pipes at once: a child that fills one pipe while we block on the other
    // would otherwise never finish.
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
