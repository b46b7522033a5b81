import Audit
import Foundation
import Testing

@Suite("Baseline comparison")
struct BaselineDiffTests {
    func report(port: Int, pages: [(String, Int)], resources: [(String, Int?, Int, String)]) -> ReportSnapshot {
        let origin = "http://127.0.0.1:\(port)"
        return ReportSnapshot(
            pages: pages.map { ReportSnapshot.Page(url: origin + $0.0, firstVisitBytes: $0.1) },
            resources: resources.map {
                ReportSnapshot.Resource(url: origin + $0.0, status: $0.1, wireBytes: 100 + $0.2, ifNoneMatchVerdict: $0.3, ifModifiedSinceVerdict: "IMS_304")
            })
    }

    @Test("added and removed assets, page growth and verdict regressions, compared by path across ports")
    func diff() throws {
        let old = report(port: 40001, pages: [("/", 1000), ("/a.html", 500)],
                         resources: [("/", 200, 900, "INM_304"), ("/a.html", 200, 400, "INM_304"), ("/x.css", 200, 100, "INM_304"), ("/old.js", 200, 50, "INM_304")])
        let new = report(port: 50002, pages: [("/", 1040), ("/a.html", 600)],
                         resources: [("/", 200, 940, "INM_304"), ("/a.html", 200, 500, "INM_304"), ("/x.css", 200, 100, "INM_FULL"), ("/new.js", 404, 10, "NOT_PROBED")])
        let diff = BaselineDiff(old: old, new: new)
        #expect(diff.assetsAdded == ["/new.js"])
        #expect(diff.assetsRemoved == ["/old.js"])
        #expect(diff.pageChanges.map(\.path) == ["/", "/a.html"])
        #expect(diff.pageChanges[1].growth == 0.2)
        #expect(diff.verdictRegressions.map { "\($0.path) \($0.probe) \($0.old) \($0.new)" } == ["/x.css ifNoneMatch INM_304 INM_FULL"])
        #expect(diff.newlyBroken == [], "new.js was not in the baseline")

        let checks = diff.checks(maxGrowth: 0.05)
        let byName = Dictionary(uniqueKeysWithValues: checks.checks.map { ($0.name, $0) })
        #expect(byName["maxGrowth.pages"]?.status == .failed)
        #expect(byName["maxGrowth.pages"]?.offenders == ["/a.html: 500 B → 600 B (+20.0%)"])
        #expect(byName["noVerdictRegressions"]?.status == .failed)
        #expect(byName["noNewBroken"]?.status == .passed)
        #expect(diff.checks(maxGrowth: nil).checks.map(\.name) == ["noVerdictRegressions", "noNewBroken"])
    }

    @Test("the same report against itself: no change, every check passes")
    func identical() {
        let r = report(port: 1, pages: [("/", 1000)], resources: [("/", 200, 900, "INM_304")])
        let diff = BaselineDiff(old: r, new: r)
        #expect(diff.assetsAdded.isEmpty && diff.assetsRemoved.isEmpty && diff.pageChanges.isEmpty)
        #expect(diff.checks(maxGrowth: 0).checks.allSatisfy { $0.status == .passed })
    }
}
