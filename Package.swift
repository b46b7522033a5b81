// swift-tools-version: 6.1
import PackageDescription

/// Compiler settings shared by every Swift target.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "assetcrawl",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "assetcrawl", targets: ["assetcrawl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.46.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // The shared crawl store (#16): only PostgresCrawlStore and the CLI depend on it.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CBrotli", pkgConfig: "libbrotlidec", providers: [.apt(["libbrotli-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        // The crawl store's embedded default is SQLite through the system libsqlite3: no
        // package to build (GRDB or a vendored amalgamation cost minutes of CI), and the
        // crawl's write path is a handful of prepared statements.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "CrawlModel", swiftSettings: swiftSettings),
        // HTTP as RFC 9110/9111 define it (dates, lists, Cache-Control, entity tags, media types,
        // ranges, preconditions, codings, field names, byte sizes): the one reading shared by the
        // server, the fetcher and the audit. No dependencies beyond the standard library.
        .target(name: "HTTPSemantics", swiftSettings: swiftSettings),
        .target(name: "CrawlStore", dependencies: ["CrawlModel", "CSQLite"], swiftSettings: swiftSettings),
        // PostgreSQL behind the same CrawlStore protocol, shared by workers on many machines
        // (leases, global politeness). Its own target so nothing but the CLI links postgres-nio.
        .target(
            name: "PostgresCrawlStore",
            dependencies: [
                "CrawlModel", "CrawlStore", "Fetching",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Extraction",
            dependencies: ["CLibXML2", "CrawlModel", "HTTPSemantics"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Fetching",
            dependencies: [
                "CrawlModel", "HTTPSemantics", "CZlib", "CBrotli", "CZstd",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Crawler",
            dependencies: ["CrawlModel", "CrawlStore", "Extraction", "Fetching", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(name: "Audit", dependencies: ["CrawlModel", "HTTPSemantics"], swiftSettings: swiftSettings),
        .target(
            name: "Browser",
            dependencies: [
                "CrawlModel",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "Reports", dependencies: ["CrawlModel", "HTTPSemantics", "Audit", "CrawlStore"], swiftSettings: swiftSettings),
        .target(
            name: "FixtureServer",
            dependencies: [
                "HTTPSemantics",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "AssetCrawlCLI",
            dependencies: [
                "CrawlModel", "HTTPSemantics", "CrawlStore", "Extraction", "Fetching", "Crawler", "Audit", "Reports", "FixtureServer", "Browser",
                "PostgresCrawlStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "assetcrawl", dependencies: [
            "AssetCrawlCLI", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
        ], swiftSettings: swiftSettings),
        .target(name: "TestSupport", path: "Tests/TestSupport", exclude: ["Certificates"], swiftSettings: swiftSettings),
        .testTarget(name: "CrawlModelTests", dependencies: ["CrawlModel"], swiftSettings: swiftSettings),
        .testTarget(name: "HTTPSemanticsTests", dependencies: ["HTTPSemantics", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "ExtractionTests", dependencies: ["Extraction", "CrawlModel"], swiftSettings: swiftSettings),
        .testTarget(name: "FixtureServerTests", dependencies: [
            "TestSupport", "FixtureServer", "HTTPSemantics",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: swiftSettings),
        .testTarget(name: "EndToEndTests", dependencies: [
            "TestSupport", "AssetCrawlCLI", "Crawler", "CrawlStore", "Fetching", "FixtureServer", "CrawlModel", "Reports", "Audit",
        ], swiftSettings: swiftSettings),
        .testTarget(name: "BrowserTests", dependencies: [
            "TestSupport", "Browser", "FixtureServer", "CrawlModel", "Crawler", "Fetching", "Audit", "Reports",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: swiftSettings),
        .testTarget(name: "PostgresStoreTests", dependencies: [
            "TestSupport", "PostgresCrawlStore", "CrawlStore", "FixtureServer", "CrawlModel",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: swiftSettings),
        .testTarget(name: "AuditTests", dependencies: ["Audit", "CrawlModel", "Extraction"], swiftSettings: swiftSettings),
        .testTarget(name: "ReportsTests", dependencies: [
            "TestSupport", "Reports", "Audit", "CrawlModel", "Crawler", "Fetching", "FixtureServer",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ], exclude: ["Golden"], swiftSettings: swiftSettings),
        .testTarget(name: "CrawlerTests", dependencies: [
            "TestSupport", "Crawler", "CrawlStore", "Fetching", "FixtureServer", "CrawlModel", "Audit", "Reports", "AssetCrawlCLI", "HTTPSemantics",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], exclude: ["Snapshots"], swiftSettings: swiftSettings),
        .testTarget(name: "FetchingTests", dependencies: [
            "Fetching", "FixtureServer", "CrawlModel",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ], swiftSettings: swiftSettings),
    ]
)

// Extraction tools, added last: `extract-bench bench` (throughput against a bare libxml2 parse),
// `extract-bench corpus` (every html5lib input through every extractor), `extract-bench generate`
// (a deterministic page corpus), `extract-bench run` (replay files, e.g. fuzz crashes) and
// `extract-bench dump` (one document's references as JSON lines).
// See Benchmarks/extract.sh, Scripts/extract-corpus.sh and Fuzz/README.md.
package.targets.append(
    .executableTarget(
        name: "extract-bench",
        dependencies: ["Extraction", "CrawlModel"],
        path: "Benchmarks/ExtractBench",
        swiftSettings: swiftSettings
    )
)

// The fetch floor: what AsyncHTTPClient, a bare SwiftNIO client pipeline and the crawler's two
// fetchers cost per request against nginx, beside wget2 and curl (Benchmarks/fetch-floor.sh).
package.targets.append(
    .executableTarget(
        name: "fetch-floor",
        dependencies: [
            "Fetching", "CrawlModel",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ],
        path: "Benchmarks/FetchFloor",
        swiftSettings: swiftSettings
    )
)
