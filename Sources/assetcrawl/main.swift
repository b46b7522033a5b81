import AssetCrawlCLI
import Foundation
import NIOCore
import NIOPosix

// Swift Concurrency's jobs run on NIO's event loops, where the crawler's connections live:
// no hop between the cooperative pool and a loop for every request (issue #11). Must come
// first, on the main thread, before any task starts. ASSETCRAWL_EXECUTOR=cooperative keeps
// Swift's own pool (to compare the two: Benchmarks/crawl.sh).
if ProcessInfo.processInfo.environment["ASSETCRAWL_EXECUTOR"] != "cooperative" {
    NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
}

await AssetCrawlCommand.runMain()
