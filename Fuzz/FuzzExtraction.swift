// libFuzzer entry for the HTML, CSS, srcset and manifest extractors. Built by Fuzz/build.sh
// (outside SwiftPM, so a plain `swift build` never needs -sanitize=fuzzer); see Fuzz/README.md.
@_spi(Fuzzing) import Extraction

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExtraction(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    _ = FuzzEntry.one(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
