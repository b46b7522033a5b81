import AssetCrawlCLI
import NIOCore
import NIOPosix

// Swift Concurrency's jobs run on NIO's event loops, where the crawler's connections live:
// no hop between the cooperative pool and a loop for every request (issue #11). Must come
// first, on the main thread, before any task starts.
NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()

await AssetCrawlCommand.runMain()
