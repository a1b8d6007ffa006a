import Foundation
import LinalgData

/// Writes `text` and a final newline to `path` through a temporary file renamed over it, so a
/// failed write never leaves a partial file; a data-layer error becomes a one-line user error.
func writeText(_ text: String, to path: String) throws {
    let output = try OutputFile(path: path)
    try output.write(Array((text + "\n").utf8))
    try output.commit()
}

/// Throws, naming `flag`, when `path` could not be written later: its folder is missing or not
/// writable, or it exists and is not a regular file (checked before a long computation).
func checkCanWrite(_ path: String, flag: String) throws {
    let folder = (path as NSString).deletingLastPathComponent
    let directory = folder.isEmpty ? "." : folder
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue,
        FileManager.default.isWritableFile(atPath: directory)
    else {
        throw UserError("\(flag) \(path): the folder \(directory) does not exist or is not writable")
    }
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
        throw UserError("\(flag) \(path): is a directory")
    }
}
