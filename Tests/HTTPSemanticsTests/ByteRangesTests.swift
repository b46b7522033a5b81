import HTTPSemantics
import Testing

@Suite("Range header evaluation as a pure function (RFC 9110 §14.1)")
struct ByteRangesTests {
    @Test func singleSuffixAndOpen() {
        #expect(ByteRanges.evaluate("bytes=0-0", length: 10) == .partial([0...0]))
        #expect(ByteRanges.evaluate("bytes=-3", length: 10) == .partial([7...9]))
        #expect(ByteRanges.evaluate("bytes=4-", length: 10) == .partial([4...9]))
        #expect(ByteRanges.evaluate("bytes=4-400", length: 10) == .partial([4...9]))
        #expect(ByteRanges.evaluate(" BYTES = 1-2 ", length: 10) == .partial([1...2]))
    }

    @Test func unknownUnitAndEmptyRepresentationAreIgnored() {
        #expect(ByteRanges.evaluate("items=0-1", length: 10) == .ignore)
        #expect(ByteRanges.evaluate("bytes=0-1", length: 0) == .ignore)
    }

    @Test func invalidOrUnsatisfiable() {
        for value in ["bytes=5-1", "bytes=10-", "bytes=-0", "bytes=a-b", "bytes=1-2-3", "bytes=--1", "bytes=+1-2", "bytes=", "bytes", "bytes=99999999999999999999-"] {
            guard case .unsatisfiable = ByteRanges.evaluate(value, length: 10) else {
                Issue.record("\(value) should be unsatisfiable")
                continue
            }
        }
        // One satisfiable range is enough.
        #expect(ByteRanges.evaluate("bytes=20-30, 2-3", length: 10) == .partial([2...3]))
    }

    @Test func coalescingAndTheCap() {
        #expect(ByteRanges.evaluate("bytes=5-9,0-4", length: 10) == .partial([0...9]))
        #expect(ByteRanges.evaluate("bytes=0-2,1-3,-2", length: 10) == .partial([0...3, 8...9]))
        let sixteen = "bytes=" + (0..<16).map { "\($0 * 2)-\($0 * 2)" }.joined(separator: ",")
        guard case .partial(let parts) = ByteRanges.evaluate(sixteen, length: 100) else { Issue.record("16 parts refused"); return }
        #expect(parts.count == 16)
        let seventeen = "bytes=" + (0..<17).map { "\($0 * 2)-\($0 * 2)" }.joined(separator: ",")
        guard case .unsatisfiable = ByteRanges.evaluate(seventeen, length: 100) else { Issue.record("17 parts served"); return }
    }
}
