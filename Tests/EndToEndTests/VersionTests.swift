import Foundation
import Testing
import TestSupport

/// `--version` and the shell completions the `.deb` installs. The release binary's version
/// (from `git describe`) is checked by Scripts/release-test.sh in a clean Debian root.
@Suite("assetcrawl --version and completions")
struct VersionTests {
    @Test("a build without Scripts/release.sh says it is a development build, exit 0")
    func developmentVersion() async throws {
        let run = try await runCLI(["--version"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "development build\n")
    }

    @Test("each completion script offers every subcommand; the bash one parses", arguments: ["bash", "zsh", "fish"])
    func completionScript(shell: String) async throws {
        let run = try await runCLI(["--generate-completion-script", shell])
        #expect(run.status == 0, "\(run.stderr)")
        for subcommand in ["crawl", "serve", "diff"] {
            #expect(run.stdout.contains(subcommand), "\(shell) completion lacks \(subcommand)")
        }
        guard shell == "bash" else { return }
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("assetcrawl-\(UUID().uuidString).bash")
        defer { try? FileManager.default.removeItem(at: script) }
        try Data(run.stdout.utf8).write(to: script)
        let check = try await runProcess(URL(fileURLWithPath: "/bin/bash"), ["-n", script.path])
        #expect(check.status == 0, "bash -n: \(check.stderr)")
    }
}
