import Foundation
import Testing
import TestSupport

/// The README's claims that can drift from the code, checked against the built binary.
@Suite("The README says what the code does")
struct ReadmeTests {
    /// `--flag → default` from a command's `--help` (ArgumentParser's `(default: X)`).
    static func helpDefaults(_ command: String) async throws -> [String: String] {
        let help = try await runProcess(Repo.binary, [command, "--help"]).stdout
        var entries: [String] = []
        for line in help.split(separator: "\n") {
            if line.hasPrefix("  -") { entries.append(String(line)) }
            else if line.hasPrefix("      "), !entries.isEmpty { entries[entries.count - 1] += " " + line.trimmingCharacters(in: .whitespaces) }
        }
        var defaults: [String: String] = [:]
        for entry in entries {
            guard let flag = entry.split(separator: " ").first(where: { $0.hasPrefix("--") }).map(String.init) else { continue }
            if let range = entry.range(of: #"\(default: ([^)]*)\)"#, options: .regularExpression) {
                defaults[flag] = String(entry[range].dropFirst("(default: ".count).dropLast())
            } else {
                defaults[flag] = "none"
            }
        }
        return defaults
    }

    /// `command --flag → default` from the README's "Flag defaults" table.
    static func readmeDefaults() throws -> [String: String] {
        let readme = try String(contentsOf: Repo.root.appendingPathComponent("README.md"), encoding: .utf8)
        var rows: [String: String] = [:]
        for line in readme.split(separator: "\n") where line.hasPrefix("| `crawl --") || line.hasPrefix("| `serve --") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 2 else { continue }
            let value = cells[1].split(separator: " ").first.map(String.init) ?? ""
            rows[cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))] = value.hasSuffix(":") ? String(value.dropLast()) : value
        }
        return rows
    }

    @Test("every default in the README's flag table is the one --help gives, and every flag with a default is in it")
    func flagDefaults() async throws {
        let readme = try Self.readmeDefaults()
        #expect(readme.count >= 18, "\(readme)")
        for command in ["crawl", "serve"] {
            let help = try await Self.helpDefaults(command)
            for (flag, value) in help where value != "none" {
                #expect(readme["\(command) \(flag)"] == value, "\(command) \(flag): --help says \(value), the README \(readme["\(command) \(flag)"] ?? "nothing")")
            }
            for (key, value) in readme where key.hasPrefix(command + " ") {
                let flag = String(key.dropFirst(command.count + 1))
                #expect(help[flag] != nil, "the README lists \(key), which --help does not know")
                if value == "none" { #expect(help[flag] == "none", "\(key): the README says none, --help says \(help[flag] ?? "?")") }
            }
        }
    }

    @Test("the README's inline budget example passes on the fixture site")
    func inlineBudget() async throws {
        let readme = try String(contentsOf: Repo.root.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "```json\n{\n  \"version\": 1,\n  \"allowBroken\""))
        let end = try #require(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
        let budget = FileManager.default.temporaryDirectory.appendingPathComponent("assetcrawl-readme-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: budget) }
        try Data(readme[readme.index(start.lowerBound, offsetBy: 8)..<end.lowerBound].utf8).write(to: budget)
        let run = try await runCLI(["crawl", "--serve", "Samples/FixtureSite", "--budget", budget.path, "--quiet"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains(" 0 failed"), "\(run.stdout)")
    }
}
