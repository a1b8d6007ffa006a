/// One column of class labels read as text (a `species` column of names, or labels in quotes):
/// while the rows are parsed, each core keeps the distinct texts of its rows in order of first
/// appearance and each row's index into them; ``finish(into:columns:rowStarts:)`` then orders the
/// classes (numerically when every text is a number, else by their UTF-8 bytes) and writes each
/// row's value: the number itself, or the class's index with the names kept as the column's levels.
final class TextColumn: @unchecked Sendable {
    let column: Int
    /// The most distinct texts the column may hold (more is an error at the row that exceeds it).
    let maxDistinct: Int
    /// Per core (each touches only its own): the texts met, their indices, and per row an index.
    private let parts: [Part]
    private let rowTexts: UnsafeMutablePointer<Int>

    final class Part {
        var texts: [[UInt8]] = []
        var index: [[UInt8]: Int] = [:]
    }

    init(column: Int, maxDistinct: Int, parts: Int, rows: Int) {
        self.column = column
        self.maxDistinct = maxDistinct
        self.parts = (0..<parts).map { _ in Part() }
        rowTexts = .allocate(capacity: max(1, rows))
    }

    deinit { rowTexts.deallocate() }

    /// Records the texts of `count` rows from `row` on, whose spans (`2` offsets each into `block`)
    /// the scanner found; the index of the first row that brings the core's distinct texts past
    /// ``maxDistinct``, if one does.
    func record(part: Int, row: Int, count: Int, spans: UnsafePointer<Int64>, block: UnsafeRawBufferPointer) -> Int? {
        let state = parts[part]
        for r in 0..<count {
            let text = [UInt8](UnsafeRawBufferPointer(rebasing: block[Int(spans[2 * r])..<Int(spans[2 * r + 1])]))
            if let known = state.index[text] {
                rowTexts[row + r] = known
                continue
            }
            guard state.texts.count < maxDistinct else { return r }
            state.index[text] = state.texts.count
            rowTexts[row + r] = state.texts.count
            state.texts.append(text)
        }
        return nil
    }

    /// The classes over all cores, in order; the value of each row written into column ``column``
    /// of `values` (`columns` wide; part `k`'s rows start at `rowStarts[k]`). Returns the names
    /// when some text is not a number, `nil` when the values are the numbers themselves; `nil`
    /// and the first row past ``maxDistinct`` (in file order) when there are too many.
    func finish(
        into values: UnsafeMutablePointer<Double>, columns: Int, rowStarts: [Int]
    ) -> (levels: [String]?, excess: Int?) {
        var all: [[UInt8]: Int] = [:]
        for part in parts { for text in part.texts where all[text] == nil { all[text] = all.count } }
        if all.count > maxDistinct { return (nil, firstRowPastLimit(rowStarts)) }
        let names = all.keys.map { String(decoding: $0, as: UTF8.self) }
        let numbers = names.map { Double($0) }
        if numbers.allSatisfy({ $0?.isFinite == true }) {
            let byText = Dictionary(uniqueKeysWithValues: zip(all.keys, numbers.map { $0! }))
            write(into: values, columns: columns, rowStarts: rowStarts) { byText[$0]! }
            return (nil, nil)
        }
        let ordered = all.keys.sorted { $0.lexicographicallyPrecedes($1) }
        let position = Dictionary(uniqueKeysWithValues: ordered.enumerated().map { ($0.element, Double($0.offset)) })
        write(into: values, columns: columns, rowStarts: rowStarts) { position[$0]! }
        return (ordered.map { String(decoding: $0, as: UTF8.self) }, nil)
    }

    private func write(
        into values: UnsafeMutablePointer<Double>, columns: Int, rowStarts: [Int], _ value: ([UInt8]) -> Double
    ) {
        for (k, part) in parts.enumerated() {
            let local = part.texts.map(value)
            for row in rowStarts[k]..<rowStarts[k + 1] { values[row * columns + column] = local[rowTexts[row]] }
        }
    }

    /// The first row (in file order) whose text is the `maxDistinct + 1`-th distinct one.
    private func firstRowPastLimit(_ rowStarts: [Int]) -> Int? {
        var seen = Set<[UInt8]>()
        for (k, part) in parts.enumerated() {
            for row in rowStarts[k]..<rowStarts[k + 1] where seen.insert(part.texts[rowTexts[row]]).inserted {
                if seen.count > maxDistinct { return row }
            }
        }
        return nil
    }
}

/// A column to read as text: its name, and the most distinct texts it may hold.
public struct TextColumnOption: Sendable, Equatable {
    /// The column's header name (a file without it reads as usual).
    public var name: String
    /// The most distinct texts the column may hold; more is an error at the row that exceeds it.
    public var maxDistinct: Int

    /// A text column `name` of at most `maxDistinct` distinct texts.
    public init(name: String, maxDistinct: Int = 1000) {
        self.name = name
        self.maxDistinct = maxDistinct
    }
}

extension TextColumn {
    /// The error of a column with more distinct texts than ``maxDistinct``, at the first line past it.
    func tooMany(line: Int, header: [String], file: String) -> DataError {
        DataError(
            file: file, line: line, column: column + 1, columnName: header[column],
            message: "more than \(maxDistinct) distinct labels: a continuous column cannot be the label")
    }
}
