internal import CrawlModel

extension BrowserLoad {
    /// The load's icon request (what ``LoadRecorder`` takes for it) failed or never came.
    var iconFailed: Bool {
        let icon = requests.last { $0.resourceType == "Other" && $0.initiator == "other" && $0.initiatorURL == nil }
        guard let icon else { return true }
        return icon.error != nil || (icon.status ?? 0) >= 400
    }
}
