internal import ArgumentParser

extension CrawlOptions {
    /// Flags a resumed crawl takes from its own command line: what this run prints, and the
    /// secrets the store does not keep (``CrawlCommand/restoringSecrets(into:file:)``).
    static let resumeFlags: Set<String> = ["--quiet", "--verbose", "--header", "--user"]

    /// The crawl flags given here with a value other than their default, as typed (`--max-pages`):
    /// what `crawl --resume` would ignore, since a resumed crawl reads its options from the store.
    func flagsGiven() -> [String] {
        guard let defaults = try? CrawlOptions.parse([]) else { return [] }
        let given = Mirror(reflecting: self).children, standard = Mirror(reflecting: defaults).children
        return zip(given, standard).compactMap { mine, theirs in
            guard let label = mine.label, String(describing: mine.value) != String(describing: theirs.value) else { return nil }
            let flag = Self.flagName(label)
            return Self.resumeFlags.contains(flag) ? nil : flag
        }
    }

    /// `--max-url-length` for the stored property `_maxURLLength`, as ArgumentParser names a
    /// long option (each word lower-cased, an acronym one word).
    static func flagName(_ label: String) -> String {
        let name = Array(label.hasPrefix("_") ? label.dropFirst() : Substring(label))
        var out = "--"
        for (i, c) in name.enumerated() {
            let startsWord = c.isUppercase && i > 0
                && (!name[i - 1].isUppercase || (i + 1 < name.count && name[i + 1].isLowercase))
            if startsWord { out += "-" }
            out += c.lowercased()
        }
        return out
    }
}
