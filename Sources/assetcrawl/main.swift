import AssetCrawlCLI
import Foundation
import NIOCore
import NIOPosix

// Where Swift Concurrency's jobs run. Measured (Benchmarks/fetch-floor.sh, Benchmarks/crawl.sh,
// issue #11): installing NIO's event loops as the global executor, which saves the hop between
// the cooperative pool and a loop on every request, cost as much CPU per request as it saved
// and more wall time (extraction then runs on the loops, and the crawl has two threads instead
// of four to share the machine with), so the cooperative pool stays the default.
// ASSETCRAWL_EXECUTOR=nio installs the loops, to measure it again. Must come first, on the
// main thread, before any task starts.
if ProcessInfo.processInfo.environment["ASSETCRAWL_EXECUTOR"] == "nio" {
    NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
}

await AssetCrawlCommand.runMain()
