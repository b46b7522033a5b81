internal import Foundation
internal import NIOCore
internal import NIOHTTP1

extension FileLookup {
    /// Opens the file a response's body is read from, only when the body is sent (a 304, a
    /// 412 or a HEAD needs no descriptor). The open file must still be the one the response
    /// describes: else a representation is described afresh from the descriptor and the
    /// request answered again from it (the 404 page becomes the plain 404); a file that can no
    /// longer be opened is answered 404.
    ///
    /// `shared`: the body is sent on this event loop (sendfile), so one descriptor may serve
    /// several responses at once. A representation the event loop's cache trusts then keeps
    /// the descriptor it was checked against (see ``FileStateCache/keepOpen()``), and later
    /// requests use it with no system call: while the cache trusts the representation, no
    /// change to the file has been reported and the second it was learnt in has not passed,
    /// which is the same knowledge a fresh `open` and `fstat` would be checked against.
    func openBody(of response: Response, source: FileSource, head: HTTPRequestHead, fields: RequestFields,
                  fault: (fault: Fault, serial: Int)?, shared: Bool) -> (Response, OpenFile?) {
        if shared, fault == nil, let kept = source.representation?.openFile { return (response, kept) }
        let fd = open(source.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return (Responder.error(.notFound), nil) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            return (Responder.error(.notFound), nil)
        }
        if ContentHashCache.key(st) == source.key {
            let file = OpenFile(taking: fd)
            if shared, fault == nil, let representation = source.representation, fileStates?.keepOpen() == true {
                representation.openFile = file
            }
            return (response, file)
        }
        guard let old = source.representation, let fresh = remake(old, fd: fd, stat: st, fault: fault) else {
            close(fd)
            return (Responder.error(.notFound), nil)
        }
        let again = Responder.respond(to: head, fields: fields, representation: fresh, fault: fault?.fault)
        guard again.fileSource != nil else {
            close(fd)
            return (again, nil)
        }
        return (again, OpenFile(taking: fd))
    }
}
