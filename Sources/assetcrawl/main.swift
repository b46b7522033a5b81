import AssetCrawlCLI

await AssetCrawlCommand.runMain()
