// `Scripts/release.sh` replaces this file for the length of a release build with the
// version from `git describe` (e.g. "0.0.0-123-g8511b6d") and puts it back afterwards, so
// the committed value is what every other build, `swift build` or `swift run`, prints.

extension AssetCrawlCommand {
    /// What `assetcrawl --version` prints.
    static let version = "development build"
}
