internal import CLibXML2

/// The baseline the extraction benchmark measures against: libxml2's `htmlReadMemory` of the
/// same bytes with the same options, then `xmlFreeDoc`, and nothing else.
@_spi(Benchmark) public enum BareParse {
    /// Parses `html` and frees the tree; returns false when libxml2 produced no document.
    public static func parse(_ html: [UInt8], url: String) -> Bool {
        LibXML.initialize()
        return html.withUnsafeBufferPointer { buffer in
            LibXML.withHTMLDocument(buffer, url: url, encoding: nil) { _ in true } ?? false
        }
    }
}
