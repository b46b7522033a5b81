public import Foundation

/// The suites of a budget outcome too large to hold (one per page of a big crawl), spooled
/// to a temporary file as JSON lines while the crawl is read, then read back in order for the
/// JUnit, JSON and HTML reports. The site suite (known last) is read first, as in
/// ``BudgetOutcome/suites``; suites added with ``append(_:)`` (the baseline) come last.
public final class CheckSpool {
    private let path: String
    private var handle: FileHandle?
    private var buffer: [UInt8] = []
    private let encoder = JSONEncoder()
    /// The site suite, read first.
    public var site: CheckSuite?
    private var tail: [CheckSuite] = []

    /// A new empty spool in the temporary folder.
    public init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("assetcrawl-checks-\(UUID().uuidString).jsonl").path
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    /// A spool of an outcome held in memory.
    public convenience init(_ outcome: BudgetOutcome) throws {
        try self.init()
        for suite in outcome.suites { try add(suite) }
    }

    deinit { try? handle?.close(); try? FileManager.default.removeItem(atPath: path) }

    /// Adds a page suite (in the order the suites are read back).
    public func add(_ suite: CheckSuite) throws {
        buffer += try encoder.encode(suite)
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Adds a suite read after every page suite (the baseline comparison).
    public func append(_ suite: CheckSuite) { tail.append(suite) }

    private func flush() throws {
        try handle?.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Every suite in order: the site, the pages, then the appended ones.
    public func forEach(_ body: (CheckSuite) throws -> Void) throws {
        try flush()
        if let site { try body(site) }
        let reader = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? reader.close() }
        let decoder = JSONDecoder()
        var pending: [UInt8] = []
        while let chunk = try reader.read(upToCount: 1 << 20), !chunk.isEmpty {
            pending += chunk
            var start = 0
            while let end = pending[start...].firstIndex(of: 0x0A) {
                try body(try decoder.decode(CheckSuite.self, from: Data(pending[start..<end])))
                start = end + 1
            }
            pending.removeFirst(start)
        }
        for suite in tail { try body(suite) }
    }

    /// The counts and the first checks of each kind, read through once.
    public func digest() throws -> CheckDigest {
        var digest = CheckDigest()
        try forEach { digest.add($0) }
        return digest
    }
}

/// A budget outcome in bounded memory: how many checks of each status, and the first
/// ``keptPerGroup`` that did not pass and that passed, in suite order, with their suite's name.
public struct CheckDigest: Sendable {
    public static let keptPerGroup = 1000
    public private(set) var counts: [CheckResult.Status: Int] = [:]
    public private(set) var notPassed: [(suite: String, check: CheckResult)] = []
    public private(set) var passedShown: [(suite: String, check: CheckResult)] = []
    public private(set) var suites = 0

    public init() {}

    public init(_ outcome: BudgetOutcome) {
        for suite in outcome.suites { add(suite) }
    }

    public mutating func add(_ suite: CheckSuite) {
        suites += 1
        for check in suite.checks {
            counts[check.status, default: 0] += 1
            if check.status == .passed {
                if passedShown.count < Self.keptPerGroup { passedShown.append((suite.name, check)) }
            } else if notPassed.count < Self.keptPerGroup {
                notPassed.append((suite.name, check))
            }
        }
    }

    public func count(_ status: CheckResult.Status) -> Int { counts[status] ?? 0 }
    public var total: Int { counts.values.reduce(0, +) }
    /// True when no check failed.
    public var passed: Bool { count(.failed) == 0 }
}
