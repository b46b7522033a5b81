internal import HTTPSemantics
extension Responder {
    /// Content negotiation (RFC 9110 §12.5.3): the index of the representation to send, a
    /// precompressed sibling for a client that accepts its coding, else the file's own bytes (0).
    static func negotiate(_ representations: [Representation], acceptEncoding: [String]) -> Int {
        guard representations.count > 1,
              let coding = ContentCoding.negotiate(acceptEncoding, available: representations.dropFirst().compactMap(\.coding)) else { return 0 }
        return representations.firstIndex { $0.coding == coding } ?? 0
    }
}
