@testable import AssetCrawlCLI
import Crawler
import CrawlModel
import Foundation
import Testing

@Suite("crawl flags")
struct CrawlOptionsTests {
    let start = URL(string: "https://staging.test/")!

    @Test("--header and --user become headers for the start origins; the rest maps onto the configuration")
    func mapping() throws {
        let options = try CrawlOptions.parse([
            "--header", "X-Env: staging", "--header", "Authorization2:  token ", "--user", "ci:s3cr:et",
            "--max-depth", "3", "--max-time", "1.5", "--include", "/docs/", "--exclude", "\\.pdf$", "--ignore-robots",
            "--sitemap", "--no-external", "--no-revalidate", "--user-agent", "Bot/1", "--concurrency", "4",
        ])
        let c = options.configuration(startURLs: [start])
        #expect(c.headers == [
            HeaderField(name: "X-Env", value: "staging"), HeaderField(name: "Authorization2", value: "token"),
            HeaderField(name: "Authorization", value: "Basic " + Data("ci:s3cr:et".utf8).base64EncodedString()),
        ])
        #expect(c.maxDepth == 3 && c.maxTime == .milliseconds(1500) && c.include == ["/docs/"] && c.exclude == ["\\.pdf$"])
        #expect(!c.respectRobots && c.useSitemap && !c.fetchExternalRequisites && !c.revalidate)
        #expect(c.userAgent == "Bot/1" && c.concurrency == 4)
    }

    @Test("defaults: per-host 6, 50 MB bodies, 2 retries, robots honoured, revalidation on")
    func defaults() throws {
        let options = try CrawlOptions.parse([])
        #expect(options.perHost == 6)
        #expect(options.fetcherOptions.maxBodyBytes == 50 * 1024 * 1024)
        #expect(options.retryPolicy.maxRetries == 2)
        let c = options.configuration(startURLs: [start])
        #expect(c.respectRobots && c.revalidate && c.fetchExternalRequisites && c.headers.isEmpty)
    }

    @Test("sizes and timeouts parse; bad values are refused with a hint", arguments: [
        ["--max-body", "12k"], ["--timeout", "0"], ["--header", "no colon"], ["--user", "nopassword"],
        ["--per-host", "0"], ["--include", "(unclosed"], ["--quiet", "--verbose"], ["--max-body", "lots"],
    ])
    func validation(arguments: [String]) {
        if arguments == ["--max-body", "12k"] {
            #expect((try? CrawlOptions.parse(arguments))?.fetcherOptions.maxBodyBytes == 12 * 1024)
        } else {
            #expect(throws: (any Error).self) { try CrawlOptions.parse(arguments) }
        }
    }

    @Test("--max-body takes any size ByteSize parses; bad sizes say why")
    func sizes() throws {
        #expect(try CrawlOptions.parse(["--max-body", "50M"]).fetcherOptions.maxBodyBytes == 52_428_800)
        #expect(try CrawlOptions.parse(["--max-body", "1.5M"]).fetcherOptions.maxBodyBytes == 1_572_864)
        #expect(try CrawlOptions.parse(["--max-body", "512KB"]).fetcherOptions.maxBodyBytes == 512 * 1024)
        for bad in ["-1", "0", "inf", "nan", "99999999999T", "5 parsecs"] {
            #expect(throws: (any Error).self, "\(bad)") { try CrawlOptions.parse(["--max-body", bad]) }
        }
    }
}
