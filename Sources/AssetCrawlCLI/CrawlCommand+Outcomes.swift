internal import CrawlModel

extension CrawlCommand {
    /// Why the start page was not fetched, in the CLI's words, with what to type about it.
    /// robots.txt: its rules, or (RFC 9309) a 5xx or no answer at all, which allows nothing.
    static func startSkipped(_ reason: SkipReason) -> String {
        let anyway = "--ignore-robots crawls anyway"
        switch reason {
        case .disallowedByRobots:
            return "disallowed by robots.txt (use --ignore-robots to crawl it anyway)"
        case .robotsUnusable(.notFetched(let error?)) where error.code == .tls:
            return "robots.txt could not be fetched over TLS (\(error.message)), so RFC 9309 allows nothing "
                + "(if the server uses its own CA or a self-signed certificate, add --ca-cert FILE with that certificate; \(anyway))"
        case .robotsUnusable(.notFetched(let error)):
            return "robots.txt could not be fetched (\(error?.description ?? "no response")), so RFC 9309 allows nothing "
                + "(is the server running and the URL right? \(anyway))"
        case .robotsUnusable(.cutOff(let status, let error)):
            return "robots.txt was cut off (HTTP \(status), then \(error.description)), so RFC 9309 allows nothing (\(anyway))"
        case .robotsUnusable(.status(let status)):
            return "robots.txt answered HTTP \(status), so RFC 9309 allows nothing (use --ignore-robots to crawl it anyway)"
        case .excluded:
            return "it matches --exclude (narrow the pattern to crawl it)"
        case .notIncluded:
            return "it does not match --include (widen the pattern to crawl it)"
        default:
            return reason.description
        }
    }
}
