internal import ArgumentParser
internal import CrawlModel

/// The store keeps the command line for `--resume`, but never a secret: `--user` and
/// `--header` values are stored as `[redacted]` (a header keeps its name), and `--resume`
/// asks for them again.
extension CrawlCommand {
    /// `arguments` with the values of `--user` and `--header` redacted.
    static func redactedArguments(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var i = 0
        while i < arguments.count {
            let argument = arguments[i]
            if argument == "--user" || argument == "--header", i + 1 < arguments.count {
                out += [argument, redacted(argument, arguments[i + 1])]
                i += 2
                continue
            }
            if argument.hasPrefix("--user=") {
                out.append("--user=" + userPlaceholder)
            } else if argument.hasPrefix("--header=") {
                out.append("--header=" + redacted("--header", String(argument.dropFirst("--header=".count))))
            } else {
                out.append(argument)
            }
            i += 1
        }
        return out
    }

    /// What `--user` is stored as (it still parses as user:password).
    static let userPlaceholder = Redaction.placeholder + ":" + Redaction.placeholder

    static func redacted(_ flag: String, _ value: String) -> String {
        guard flag == "--header", let colon = value.firstIndex(of: ":") else { return flag == "--user" ? userPlaceholder : Redaction.placeholder }
        return value[..<colon] + ": " + Redaction.placeholder
    }

    /// The stored crawl's options with the secrets given again on this command line.
    /// - Throws: a usage error naming what to give when the stored crawl had secrets and they are missing.
    func restoringSecrets(into original: CrawlOptions, file: String) throws -> CrawlOptions {
        try Self.restoringSecrets(into: original, header: crawlOptions.header, user: crawlOptions.user) { flags in
            "\(file) does not keep secrets: give them again, e.g. assetcrawl crawl --resume \(file) \(flags)"
        }
    }

    /// The stored crawl's options with the secrets given as `header` and `user` (another
    /// command's flags: `--resume`'s, or a worker's).
    /// - Throws: a usage error, `message(flags)` with the flags to add, when some are missing.
    static func restoringSecrets(into original: CrawlOptions, header: [String], user: String?,
                                 message: (String) -> String) throws -> CrawlOptions {
        var options = original
        let storedHeaders = original.header.compactMap(CrawlOptions.parseHeader)
        let redactedNames = storedHeaders.filter { $0.value == Redaction.placeholder }.map(\.name)
        let given = header.compactMap(CrawlOptions.parseHeader)
        let missing = redactedNames.filter { name in !given.contains { $0.name.lowercased() == name.lowercased() } }
        let userMissing = original.user == Self.userPlaceholder && user == nil
        if !missing.isEmpty || userMissing {
            let what = (userMissing ? ["--user USER:PASSWORD"] : []) + missing.map { "--header '\($0): …'" }
            throw UsageError(message: message(what.joined(separator: " ")))
        }
        // Anything else would be dropped without a word: the crawl sends the headers it was started with.
        let extra = given.filter { header in !redactedNames.contains { $0.lowercased() == header.name.lowercased() } }
            .map { "--header '\($0.name): …'" } + (user != nil && original.user != Self.userPlaceholder ? ["--user"] : [])
        if !extra.isEmpty {
            let secrets = redactedNames.isEmpty ? "it keeps no secret to give back" : "the secrets it left out are \(redactedNames.joined(separator: ", "))"
            throw UsageError(message: "\(extra.joined(separator: " ")) would be ignored: the stored crawl sends the headers and credentials it was started with, and these flags only give back a secret the store left out (\(secrets)); drop \(extra.count == 1 ? "it" : "them"), or start a new crawl with --store NEW.sqlite")
        }
        if !redactedNames.isEmpty { options.header = header }
        if original.user == Self.userPlaceholder { options.user = user }
        return options
    }
}
