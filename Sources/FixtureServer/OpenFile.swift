internal import NIOCore

/// An open file that response bodies are sent from, closed when the last holder lets go: the
/// response writing from it (until its last byte is written) and, for a file the event loop's
/// ``FileStateCache`` trusts, the ``Representation`` describing it, so that repeated requests
/// for a large file share one descriptor instead of an `open`, `fstat` and `close` each.
final class OpenFile: Sendable {
    let handle: NIOFileHandle

    /// Takes ownership of `fd`.
    init(taking fd: CInt) {
        handle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: fd)
    }

    deinit {
        try? handle.close()
    }
}
