import Foundation

/// Temporary files for the readers' tests.
enum TestFiles {
    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("linalg-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func write(_ data: Data, _ name: String) throws -> String {
        let url = try directory().appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }

    static func write(_ text: String, _ name: String) throws -> String { try write(Data(text.utf8), name) }
}
