import Testing
@testable import Audit

@Suite("Media queries and sizes against a viewport")
struct MediaQueryTests {
    let desktop = Viewport.desktop
    let phone = Viewport(width: 375, height: 812, devicePixelRatio: 2)

    @Test("media types, features, min/max, ranges, not/only, lists", arguments: [
        ("screen", true, true), ("print", false, false), ("all", true, true), ("", true, true),
        ("(min-width: 600px)", true, false), ("(max-width: 600px)", false, true),
        ("screen and (min-width: 40em)", true, false), ("only screen and (max-width: 37.5em)", false, true),
        ("not print", true, true), ("not screen and (min-width: 600px)", false, true),
        ("print, (max-width: 400px)", false, true), ("(width >= 1280px)", true, false),
        ("(400px <= width <= 700px)", false, false), ("(600px < width)", true, false),
        ("(min-resolution: 2dppx)", false, true), ("(-webkit-min-device-pixel-ratio: 1.5)", false, true),
        ("(orientation: portrait)", false, true), ("(prefers-color-scheme: dark)", false, false),
        ("(prefers-reduced-motion: no-preference)", true, true), ("(hover: hover)", true, true),
        ("(min-width: 600px) and (max-width: 1300px)", true, false), ("(max-width: 300px) or (min-width: 1000px)", true, false),
        ("(not (min-width: 600px))", false, true), ("(unknown-feature: 1)", false, false), ("((bad", false, false),
        ("(min-width: calc(500px + 10vw))", true, false),
    ])
    func queries(query: String, onDesktop: Bool, onPhone: Bool) {
        #expect(MediaQuery.matches(query, viewport: desktop) == onDesktop, "desktop: \(query)")
        #expect(MediaQuery.matches(query, viewport: phone) == onPhone, "phone: \(query)")
    }

    @Test("sizes: the first matching condition's length; 100vw without a match; calc and vw")
    func sizes() {
        let sizes = "(max-width: 600px) 480px, (max-width: 1000px) 50vw, 960px"
        #expect(SourceSelection.sourceSize(sizes, viewport: desktop) == 960)
        #expect(SourceSelection.sourceSize(sizes, viewport: phone) == 480)
        #expect(SourceSelection.sourceSize("(max-width: 1000px) 50vw, 960px", viewport: Viewport(width: 800, height: 600)) == 400)
        #expect(SourceSelection.sourceSize(nil, viewport: desktop) == 1280)
        #expect(SourceSelection.sourceSize("(max-width: 10px) 5px", viewport: desktop) == 1280)
        #expect(SourceSelection.sourceSize("calc(100vw - 80px)", viewport: desktop) == 1200)
        #expect(SourceSelection.sourceSize("(min-width: 800px) calc(50vw - 2em), 100vw", viewport: desktop) == 608)
        #expect(SourceSelection.sourceSize("auto", viewport: phone) == 375)
        #expect(SourceSelection.sourceSize("-10px, 300px", viewport: desktop) == 300, "a negative size is skipped")
    }

    @Test("--viewport parses WxH@DPR and says what to type otherwise")
    func viewport() throws {
        #expect(try Viewport(parsing: "375x812@2") == phone)
        #expect(try Viewport(parsing: "1280x800") == desktop)
        #expect(try Viewport(parsing: "412x915@2.625").devicePixelRatio == 2.625)
        #expect(Viewport.desktop.description == "1280x800@1")
        for bad in ["1280", "x800", "1280x800@0", "1280x800@x", "wide", "1280x-5@1"] {
            #expect(throws: Viewport.ParseError.self) { try Viewport(parsing: bad) }
        }
        do { _ = try Viewport(parsing: "big") } catch { #expect(error.description.contains("--viewport 1280x800@1")) }
    }
}
