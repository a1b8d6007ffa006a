import Foundation

/// JSON text written to standard output in pieces of about 1 MB, so that a large document (the
/// Jacobians of a big batch) is never held whole in memory.
final class JSONOutputStream {
    private var buffer: [UInt8] = []
    private let pieceBytes = 1 << 20

    /// Appends `text`, writing out the buffer once it holds a piece.
    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= pieceBytes { flush() }
    }

    /// Writes out everything buffered.
    func flush() {
        if buffer.isEmpty { return }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
