internal import Foundation
internal import NIOCore
internal import NIOHTTP1

extension FileLookup {
    /// Opens the file a response's body is read from, only when the body is sent (a 304, a
    /// 412 or a HEAD needs no descriptor). The open file must still be the one the response
    /// describes: else a representation is described afresh from the descriptor and the
    /// request answered again from it (the 404 page becomes the plain 404); a file that can no
    /// longer be opened is answered 404.
    func openBody(of response: Response, source: FileSource, head: HTTPRequestHead, fields: RequestFields,
                  fault: (fault: Fault, serial: Int)?) -> (Response, NIOFileHandle?) {
        let fd = open(source.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return (Responder.error(.notFound), nil) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            return (Responder.error(.notFound), nil)
        }
        if ContentHashCache.key(st) == source.key {
            return (response, NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: fd))
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
        return (again, NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: fd))
    }
}
