import Testing
@testable import Audit

@Suite("Chromium's choice among srcset densities (measured on Chromium 156), image-set, formats and types")
struct SourceSelectionTests {
    @Test("densities: the smallest ≥ the DPR, else the largest; the first written on a tie", arguments: [
        ([1.0, 2.0], 1.0, 0), ([2.0, 1.0], 1.0, 1), ([0.5, 0.75, 1.5], 1.0, 2), ([0.5, 0.75], 1.0, 1),
        ([1.0, 2.0], 2.0, 1), ([1.0, 3.0], 2.0, 1), ([1.5, 3.0], 2.0, 1), ([0.8, 1.6, 3.2], 2.0, 2),
        ([0.8, 1.6, 3.2], 1.5, 1), ([1.0, 2.0, 3.0], 3.0, 2), ([1.0, 1.0, 2.0], 1.0, 0), ([0.9, 1.1], 1.0, 1),
        ([1.0, 2.0], 4.0, 1),
    ])
    func pick(densities: [Double], dpr: Double, expected: Int) {
        #expect(SourceSelection.pick(densities: densities, devicePixelRatio: dpr) == expected, "\(densities) at \(dpr)")
    }

    @Test("descriptors: w over the source size, x, none is 1x, h ignored, bad ones rejected")
    func descriptors() {
        #expect(SourceSelection.density("480w", sourceSize: 960)?.density == 0.5)
        #expect(SourceSelection.density("480w", sourceSize: 960)?.hasWidth == true)
        #expect(SourceSelection.density("2x", sourceSize: 960)?.density == 2)
        #expect(SourceSelection.density(nil, sourceSize: 960)?.density == 1)
        #expect(SourceSelection.density("100w 50h", sourceSize: 100)?.density == 1)
        #expect(SourceSelection.density("2x 100w", sourceSize: 100) == nil)
        #expect(SourceSelection.density("big", sourceSize: 100) == nil)
        #expect(SourceSelection.density("0w", sourceSize: 100) == nil)
    }

    @Test("image-set: the smallest resolution ≥ DPR, else the largest")
    func imageSet() {
        #expect(SourceSelection.pickResolution([1, 2], devicePixelRatio: 1) == 0)
        #expect(SourceSelection.pickResolution([2, 1], devicePixelRatio: 1.5) == 0)
        #expect(SourceSelection.pickResolution([1, 2], devicePixelRatio: 3) == 1)
    }

    @Test("supported types and font formats")
    func support() {
        for t in ["image/webp", "image/avif", "image/png", "image/jpeg", "image/gif", "image/svg+xml", "IMAGE/WEBP"] {
            #expect(SourceSelection.imageTypeSupported(t), "\(t)")
        }
        #expect(SourceSelection.imageTypeSupported("image/jxl"), "Chromium 156 decodes JPEG XL")
        #expect(!SourceSelection.imageTypeSupported("image/jp2"))
        #expect(SourceSelection.mediaTypeSupported("video/webm; codecs=vp9"))
        #expect(!SourceSelection.mediaTypeSupported("video/x-flv"))
        #expect(SourceSelection.fontFormatSupported("woff2") && SourceSelection.fontFormatSupported("\"truetype\""))
        #expect(!SourceSelection.fontFormatSupported("embedded-opentype") && !SourceSelection.fontFormatSupported("svg"))
    }
}
