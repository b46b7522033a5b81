// swift-tools-version: 6.1
// A separate package (not built by the main one or by `swift test`): the fastest HTTP/1.1 304
// SwiftNIO allows here, with NIO's parser, with its full server pipeline, and with no parser,
// for `FLOOR=1 Benchmarks/server.sh` (see Sources/nio-floor/main.swift).
import PackageDescription

let package = Package(
    name: "nio-floor",
    dependencies: [.package(url: "https://github.com/apple/swift-nio", from: "2.101.2")],
    targets: [
        .executableTarget(name: "nio-floor", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
    ]
)
