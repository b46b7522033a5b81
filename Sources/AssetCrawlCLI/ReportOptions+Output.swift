internal import Foundation

extension ReportOptions {
    /// Opens (creating or truncating) the report file at `path`, lets `body` write to it and
    /// closes it: the reports produce bytes or write to a handle, and only the CLI opens files.
    /// Any failure is a usage error naming the file and the report.
    static func withOutput<T>(_ path: String, _ what: String, _ body: (FileHandle) throws -> T) throws -> T {
        let handle: FileHandle
        do {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
            }
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        } catch {
            throw UsageError(message: "cannot write the \(what) to \(path): \((error as? CocoaError)?.localizedDescription ?? "\(error)")")
        }
        defer { try? handle.close() }
        do { return try body(handle) } catch let error as UsageError { throw error } catch {
            throw UsageError(message: "cannot write the \(what) to \(path): \((error as? CocoaError)?.localizedDescription ?? "\(error)")")
        }
    }
}
