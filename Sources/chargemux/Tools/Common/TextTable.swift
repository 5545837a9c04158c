/// A plain-text table: columns padded to their widest cell, numbers right-aligned.
struct TextTable: Sendable {
    /// The column titles; they fix the number of columns.
    var headers: [String]
    /// Which columns are right-aligned.
    var rightAligned: Set<Int> = []
    /// The rows; missing cells are blank.
    var rows: [[String]] = []

    /// The table, a line per row, ending with a line break.
    func render() -> String {
        let all = [headers] + rows
        let widths = headers.indices.map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        return all.map { row in
            headers.indices.map { column in
                let cell = row.indices.contains(column) ? row[column] : ""
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return rightAligned.contains(column) ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingTrailingSpaces
        }.joined(separator: "\n") + "\n"
    }
}

extension String {
    /// The string without spaces at its end.
    var trimmingTrailingSpaces: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
