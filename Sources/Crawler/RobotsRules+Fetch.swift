public import CrawlModel

extension RobotsRules {
    /// robots.txt is read up to this many bytes whatever `--max-body` says; RFC 9309 §2.5
    /// asks crawlers to parse at least 500 KiB and lets them ignore the rest.
    public static let maxBytes = 512 * 1024

    /// The rules a robots.txt fetch gives, RFC 9309 §2.3.1: 2xx is parsed (a body cut at
    /// ``maxBytes`` as far as it goes); 4xx allows everything; 5xx, or no usable answer
    /// (DNS, refused, reset, timeout, TLS, a body cut off by the network), disallows
    /// everything, start pages included, with the reason.
    public static func from(_ exchange: Exchange, body: [UInt8]?, userAgent: String) -> RobotsRules {
        guard let status = exchange.status else {
            return .unusable(.notFetched(exchange.error))
        }
        switch status {
        case 200..<300:
            if let error = exchange.error, error.code != .bodyTooLarge {
                return .unusable(.cutOff(status: status, error))
            }
            var bytes = body ?? []
            // Cut at maxBytes: the last line may be half a rule (`Disallow: /pri` of `/private/`); drop it.
            if exchange.error?.code == .bodyTooLarge, let newline = bytes.lastIndex(where: { $0 == 0x0A || $0 == 0x0D }) {
                bytes.removeSubrange((newline + 1)...)
            }
            return RobotsRules(parsing: String(decoding: bytes, as: UTF8.self), userAgent: userAgent)
        case 400..<500:
            return .allowAll
        default:
            return .unusable(.status(status))
        }
    }
}
