public import Foundation

/// A report file written through a 1 MB buffer.
struct OutputFile {
    let url: URL
    private var handle: FileHandle?
    private var buffer: [UInt8] = []

    init(_ url: URL) { self.url = url }

    mutating func open() throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: url.path])
        }
        handle = try FileHandle(forWritingTo: url)
        buffer.reserveCapacity(1 << 20)
    }

    mutating func append(_ text: some StringProtocol) { buffer.append(contentsOf: text.utf8) }

    mutating func write(_ text: some StringProtocol) throws {
        append(text)
        if buffer.count >= 1 << 20 { try flush() }
    }

    mutating func flush() throws {
        try handle?.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    mutating func close() throws {
        try flush()
        try handle?.close()
        handle = nil
    }
}
