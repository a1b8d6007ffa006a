import Foundation
import LinalgData

/// A class label as the label column held it: a number, or a text (a column read as text whose
/// texts are not all numbers).
enum ClassLabel: Hashable {
    case number(Double)
    case text(String)

    /// The label as a person writes it: `2` rather than `2.0`.
    var text: String {
        switch self {
        case .number(let value): ClassLabels.text(value)
        case .text(let name): name
        }
    }

    /// A JSON number or string.
    var json: String {
        switch self {
        case .number(let value): ClassLabels.text(value)
        case .text(let name): JSONWriter.string(name)
        }
    }

    /// The number, for a table's numeric column (a text label is stored by its class index).
    var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// Row `row`'s label in column `column` of `table` (its text when the column has levels).
    static func of(_ table: DataTable, row: Int, column: Int) -> ClassLabel {
        let value = table.values[row, column]
        if let levels = table.levels[table.columnNames[column]] { return .text(levels[Int(value)]) }
        return .number(value)
    }
}

/// The classes of a label column and each row's class index. The classes are the distinct labels
/// sorted (numerically, or by UTF-8 bytes for text), or the `--classes` list in its order, in
/// which case a label outside it is an error naming its file position. More distinct labels than
/// `maxClasses` is an error found while scanning the column (a continuous column given as the
/// label), before anything of size `K × d`.
struct ClassLabels {
    /// The class labels, in class order.
    var classes: [ClassLabel]
    /// Each row's class, an index into ``classes``.
    var indices: [Int]

    init(_ table: DataTable, column: Int, given: [String]?, maxClasses: Int) throws {
        let isText = table.levels[table.columnNames[column]] != nil
        if let given {
            let labels = try given.map { name throws -> ClassLabel in
                if isText { return .text(name) }
                guard let value = Double(name), value.isFinite else {
                    throw UserError("--classes: '\(name)' is not a number, and the labels are numbers")
                }
                return .number(value)
            }
            let position = Dictionary(labels.enumerated().map { ($0.element, $0.offset) }) { first, _ in first }
            indices = try (0..<table.rowCount).map { i in
                let label = ClassLabel.of(table, row: i, column: column)
                guard let index = position[label] else {
                    throw table.error(row: i, column: column, "label \(label.text) is not one of --classes")
                }
                return index
            }
            classes = labels
            return
        }
        if let levels = table.levels[table.columnNames[column]] {
            // Read as text: the levels are the distinct texts, ordered, and the values their indices.
            classes = levels.map(ClassLabel.text)
            indices = (0..<table.rowCount).map { Int(table.values[$0, column]) }
            return
        }
        var seen = Set<Double>()
        for i in 0..<table.rowCount where seen.insert(table.values[i, column]).inserted && seen.count > maxClasses {
            throw table.error(
                row: i, column: column,
                "more than \(maxClasses) distinct labels (--max-classes): a continuous column cannot be the label")
        }
        let sorted = seen.sorted()
        let position = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($0.element, $0.offset) })
        classes = sorted.map(ClassLabel.number)
        indices = (0..<table.rowCount).map { position[table.values[$0, column]]! }
    }

    /// A number as a person writes it: `2` rather than `2.0`; otherwise the shortest text that
    /// reads back to the same double.
    static func text(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// `--classes a,b,c`: the names (distinct, at least two), matched to the labels as numbers or
    /// texts as the column holds them.
    static func parse(_ list: String?) throws -> [String]? {
        guard let list else { return nil }
        let names = list.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard names.count >= 2 else { throw UserError("--classes: name at least two classes") }
        guard Set(names).count == names.count else { throw UserError("--classes: a class is named twice") }
        return names
    }
}
