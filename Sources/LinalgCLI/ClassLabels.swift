import Foundation
import LinalgData

/// The classes of a label column and each row's class index. The classes are the distinct labels
/// sorted (numerically), or the `--classes` list in its order, in which case a label outside it is
/// an error naming its file position. More distinct labels than `maxClasses` is an error found while
/// scanning the column (a continuous column given as the label), before anything of size `K × d`.
struct ClassLabels {
    /// The class labels, in class order.
    var classes: [Double]
    /// Each row's class, an index into ``classes``.
    var indices: [Int]

    init(_ table: DataTable, column: Int, given: [Double]?, maxClasses: Int) throws {
        let values = (0..<table.rowCount).map { table.values[$0, column] }
        if let given {
            let position = Dictionary(given.enumerated().map { ($0.element, $0.offset) }) { first, _ in first }
            indices = try values.enumerated().map { i, value in
                guard let index = position[value] else {
                    throw table.error(
                        row: i, column: column, "label \(ClassLabels.text(value)) is not one of --classes")
                }
                return index
            }
            classes = given
            return
        }
        var seen = Set<Double>()
        for (i, value) in values.enumerated() where seen.insert(value).inserted && seen.count > maxClasses {
            throw table.error(
                row: i, column: column,
                "more than \(maxClasses) distinct labels (--max-classes): a continuous column cannot be the label")
        }
        classes = seen.sorted()
        let position = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($0.element, $0.offset) })
        indices = values.map { position[$0]! }
    }

    /// A number as a person writes it: `2` rather than `2.0`; otherwise the shortest text that
    /// reads back to the same double.
    static func text(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// `--classes a,b,c` as numbers (distinct, at least two).
    static func parse(_ list: String?) throws -> [Double]? {
        guard let list else { return nil }
        let values = try list.split(separator: ",", omittingEmptySubsequences: false).map { item in
            let text = item.trimmingCharacters(in: .whitespaces)
            guard let value = Double(text), value.isFinite else {
                throw UserError("--classes: '\(text)' is not a number (class labels are numbers)")
            }
            return value
        }
        guard values.count >= 2 else { throw UserError("--classes: name at least two classes") }
        guard Set(values).count == values.count else { throw UserError("--classes: a class is named twice") }
        return values
    }
}
