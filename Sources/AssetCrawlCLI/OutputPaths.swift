internal import ArgumentParser
internal import Foundation
#if canImport(Glibc)
internal import Glibc
#endif

/// The files a run will write, checked before it starts: a report that cannot be written
/// after a long crawl is a crawl lost.
enum OutputPaths {
    /// Checks each `(flag, path)`: the folder exists, is a folder and is writable, and the path
    /// is not a folder (nor an existing file that cannot be written). The message names the flag and which.
    static func check(_ outputs: [(flag: String, path: String?)]) throws {
        for case let (flag, path?) in outputs {
            if let problem = problem(with: path) { throw ValidationError("\(flag) \(path): \(problem)") }
        }
    }

    /// What stops `path` from being written, or nil.
    static func problem(with path: String) -> String? {
        let manager = FileManager.default
        guard !path.isEmpty else { return "give a file name" }
        var isFolder: ObjCBool = false
        if manager.fileExists(atPath: path, isDirectory: &isFolder) {
            if isFolder.boolValue { return "is a folder; give a file name in it, e.g. \(path)/report" }
            return access(path, W_OK) == 0 ? nil : "the file exists and is not writable"
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard manager.fileExists(atPath: folder, isDirectory: &isFolder) else {
            return "the folder \(folder) does not exist (create it with mkdir -p \(folder), or give another path)"
        }
        guard isFolder.boolValue else { return "\(folder) is not a folder" }
        guard access(folder, W_OK | X_OK) == 0 else { return "the folder \(folder) is not writable" }
        return nil
    }
}
