public import Foundation
public import Testing

/// A program or Python module a test needs that neither Swift nor this package provides.
///
/// A test declares what it needs with the ``Testing/Trait/requires(_:)`` trait, on a test or
/// on a whole suite:
///
/// ```swift
/// @Test("JUnit: valid against Schemas/junit.xsd", .requires(.xmllint))
/// func junitSchema() throws { … }
///
/// @Suite("HAR read by haralyzer", .requires(.pythonModule("haralyzer")))
/// struct HARTests { … }
///
/// // A tool this file does not name yet:
/// @Test(.requires(.executable("hyperfine", debianPackage: "hyperfine")))
/// ```
///
/// When a tool is missing and the environment variable `CI` is unset, the test is skipped, and
/// `swift test` prints why and what to install:
///
/// ```
/// ➜ Test "JUnit: valid against Schemas/junit.xsd" skipped: "needs xmllint (Debian: apt-get install libxml2-utils)"
/// ```
///
/// With `CI` set, a missing tool fails the test with the same message instead: `.ci/run`
/// installs every tool, so a missing one there is a broken CI machine, not a reason to skip.
///
/// To see the skips without uninstalling anything, name tools in
/// `ASSETCRAWL_PRETEND_MISSING` (comma-separated, e.g. `xmllint,chromium,jsonschema`): they
/// then count as missing.
public struct ExternalTool: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// A program found on `PATH` (or in a few known folders), from a Debian package.
        case executable
        /// A module `python3` (the one on `PATH`) can import, from a PyPI package.
        case pythonModule
        /// A server the tests reach at the URL in the environment variable `name`, from a Debian package.
        case serverURL
    }

    /// The program's or the module's name.
    public let name: String
    public let kind: Kind
    /// The Debian package (programs) or PyPI package (Python modules) that provides it.
    public let package: String
    /// Folders searched after `PATH` (PostgreSQL's programs are not on `PATH` on Debian).
    let extraDirectories: [String]

    /// A program from the Debian package `debianPackage`, looked up on `PATH`, then in `alsoIn`.
    public static func executable(_ name: String, debianPackage: String, alsoIn: [String] = []) -> ExternalTool {
        ExternalTool(name: name, kind: .executable, package: debianPackage, extraDirectories: alsoIn)
    }

    /// A Python 3 module, from the PyPI package `pypiPackage` (by default named as the module).
    public static func pythonModule(_ name: String, pypiPackage: String? = nil) -> ExternalTool {
        ExternalTool(name: name, kind: .pythonModule, package: pypiPackage ?? name, extraDirectories: [])
    }

    /// A PostgreSQL server for the shared-store tests: the URL of a database in
    /// `ASSETCRAWL_TEST_POSTGRES_URL` (`Scripts/pg-cluster.sh start DIR` starts a private one and
    /// prints it; `.ci/run` does that).
    public static let postgresServer = ExternalTool(name: "ASSETCRAWL_TEST_POSTGRES_URL", kind: .serverURL, package: "postgresql", extraDirectories: [])

    public static let xmllint = executable("xmllint", debianPackage: "libxml2-utils")
    public static let chromium = executable("chromium", debianPackage: "chromium")
    /// Graphviz's `dot`.
    public static let dot = executable("dot", debianPackage: "graphviz")
    /// `script(1)`, for a pseudo-terminal.
    public static let script = executable("script", debianPackage: "bsdutils")
    public static let openssl = executable("openssl", debianPackage: "openssl")
    public static let nginx = executable("nginx", debianPackage: "nginx", alsoIn: ["/usr/sbin"])
    public static let wget2 = executable("wget2", debianPackage: "wget2")
    public static let python3 = executable("python3", debianPackage: "python3")
    public static let psql = executable("psql", debianPackage: "postgresql", alsoIn: postgresDirectories)
    public static let initdb = executable("initdb", debianPackage: "postgresql", alsoIn: postgresDirectories)
    public static let pgCtl = executable("pg_ctl", debianPackage: "postgresql", alsoIn: postgresDirectories)

    /// Debian keeps PostgreSQL's server programs in /usr/lib/postgresql/VERSION/bin.
    static var postgresDirectories: [String] {
        let base = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
        return versions.sorted { $0.compare($1, options: .numeric) == .orderedDescending }.map { "\(base)/\($0)/bin" }
    }

    public var description: String { name }

    /// The full path of the program, if it is installed (nil for Python modules and for tools
    /// named in `ASSETCRAWL_PRETEND_MISSING`).
    public var path: String? { kind == .executable ? found : nil }

    /// Whether the tool is there (looked up, or imported, once per test run).
    public var isAvailable: Bool { found != nil }

    /// The server's URL (``Kind/serverURL``), or nil when it is not given.
    public var url: String? { kind == .serverURL ? found : nil }

    /// The program's path, the module's name when python3 imports it, or the server's URL; nil when missing.
    private var found: String? {
        if pretendsMissing { return nil }
        return Self.cache.answer(for: self) {
            switch kind {
            case .executable: locate()
            case .pythonModule: importable() ? name : nil
            case .serverURL: ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
            }
        }
    }

    /// What a skipped (or, under CI, failed) test says: what is missing and how to install it.
    public var missingMessage: String {
        switch kind {
        case .executable: return "needs \(name) (Debian: apt-get install \(package))"
        case .pythonModule: return "needs the Python module \(name) (PyPI: python3 -m pip install \(package))"
        case .serverURL:
            return "needs a PostgreSQL server in \(name) (Debian: apt-get install \(package), then export \(name)=$(Scripts/pg-cluster.sh start /tmp/pg); .ci/run does this)"
        }
    }

    /// True when the environment variable `CI` is set: missing tools then fail tests.
    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] != nil }

    private var pretendsMissing: Bool {
        let list = ProcessInfo.processInfo.environment["ASSETCRAWL_PRETEND_MISSING"] ?? ""
        return list.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == name }
    }

    private func locate() -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for directory in path + extraDirectories where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// `python3 -c "import NAME"` exits 0 (python3 found on PATH).
    private func importable() -> Bool {
        guard let python = ExternalTool.python3.path else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", "import \(name)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    private static let cache = AnswerCache()

    /// Answers per tool for the whole run, so each is looked up (or imported) once.
    private final class AnswerCache: @unchecked Sendable {
        private let lock = NSLock()
        private var answers: [ExternalTool: String?] = [:]

        func answer(for tool: ExternalTool, _ compute: () -> String?) -> String? {
            lock.lock()
            if let known = answers[tool] { lock.unlock(); return known }
            lock.unlock()
            let value = compute()
            lock.lock(); defer { lock.unlock() }
            answers.updateValue(value, forKey: tool)
            return value
        }
    }

    /// Thrown (under CI) when a required tool is missing: the test fails with this message.
    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }
}

/// The trait behind ``Testing/Trait/requires(_:)``: skips (outside CI) or fails (under CI) a
/// test or suite whose tools are not all there, naming what to install.
public struct ExternalToolRequirement: TestTrait, SuiteTrait {
    public let tools: [ExternalTool]

    public func prepare(for test: Test) async throws {
        let missing = tools.filter { !$0.isAvailable }
        guard !missing.isEmpty else { return }
        let message = missing.map(\.missingMessage).joined(separator: "; ")
        if ExternalTool.isCI {
            throw ExternalTool.Missing(description: "\(message) — CI is set, and .ci/run installs every tool the tests use")
        }
        try Test.cancel(Comment(rawValue: message))
    }
}

extension Trait where Self == ExternalToolRequirement {
    /// The test (or every test of the suite) needs these outside tools; see ``ExternalTool``.
    ///
    /// ```swift
    /// @Test(.requires(.python3, .pythonModule("jsonschema")))
    /// ```
    public static func requires(_ tools: ExternalTool...) -> Self {
        ExternalToolRequirement(tools: tools)
    }
}
