import ArgumentParser
@testable import AssetCrawlCLI
import Foundation
import Testing

/// Every command's `--help`, compared with a committed file under `Tests/CrawlerTests/Snapshots/`
/// (as swift-argument-parser's own `Snapshots/` tests do), at a fixed width of 100 columns.
/// A flag added, renamed or re-documented shows up as a diff to review; after an intended
/// change, `UPDATE_SNAPSHOTS=1 swift test --filter HelpSnapshotTests` rewrites the files.
@Suite("--help snapshots of every command")
struct HelpSnapshotTests {
    static let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
    static let columns = 100

    /// The root and every subcommand, named as typed (`assetcrawl`, `assetcrawl crawl`, …).
    static let commands: [(name: String, type: any ParsableCommand.Type)] =
        [("assetcrawl", AssetCrawlCommand.self)]
        + AssetCrawlCommand.configuration.subcommands.map { ("assetcrawl " + $0._commandName, $0) }

    @Test("each command's help matches its snapshot", arguments: commands.map(\.name))
    func help(command: String) throws {
        let type = try #require(Self.commands.first { $0.name == command }?.type)
        let help = AssetCrawlCommand.helpMessage(for: type, columns: Self.columns) + "\n"
        let file = Self.snapshots.appendingPathComponent(command.replacingOccurrences(of: " ", with: "-") + ".txt")
        if ProcessInfo.processInfo.environment["UPDATE_SNAPSHOTS"] != nil {
            try FileManager.default.createDirectory(at: Self.snapshots, withIntermediateDirectories: true)
            try Data(help.utf8).write(to: file)
            return
        }
        guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
            Issue.record("no snapshot \(file.lastPathComponent) for `\(command) --help`: UPDATE_SNAPSHOTS=1 swift test --filter HelpSnapshotTests records it; commit it")
            return
        }
        if expected != help { Issue.record(Comment(rawValue: Self.diff(expected: expected, actual: help, name: file.lastPathComponent))) }
    }

    @Test("bash, zsh and fish completion scripts name every subcommand")
    func completions() throws {
        for shell in ["bash", "zsh", "fish"] {
            let script = AssetCrawlCommand.completionScript(for: try #require(CompletionShell(rawValue: shell)))
            for (name, _) in Self.commands.dropFirst() {
                #expect(script.contains(String(name.split(separator: " ").last!)), "\(shell) completion lacks \(name)")
            }
        }
    }

    /// The lines that differ, each as `-expected` / `+actual` with its line number, and how to accept.
    static func diff(expected: String, actual: String, name: String) -> String {
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var out = "\(name) differs from `--help`:\n"
        var shown = 0
        for i in 0..<max(e.count, a.count) where (i < e.count ? e[i] : nil) != (i < a.count ? a[i] : nil) {
            if shown == 20 { out += "…\n"; break }
            if i < e.count { out += "  \(i + 1) -\(e[i])\n" }
            if i < a.count { out += "  \(i + 1) +\(a[i])\n" }
            shown += 1
        }
        return out + "If the change is intended: UPDATE_SNAPSHOTS=1 swift test --filter HelpSnapshotTests, then review and commit the files."
    }
}
