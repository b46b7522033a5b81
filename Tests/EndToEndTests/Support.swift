import Foundation
import TestSupport

/// Paths the end-to-end tests need, found from this file (no dependency on the working directory).
enum Repo {
    static let root = RepoPaths.root
    static let fixtureSite = RepoPaths.fixtureSite
    static let manifest = root.appendingPathComponent("Samples/FixtureSite.manifest.json")

    static var binary: URL { RepoPaths.binary }
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
func runCLI(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
    try await runProcess(Repo.binary, arguments)
}
