import Experiments

extension MarkdownReport {
    /// A collapsed block per detail table the group's runs report: one row per strategy and
    /// item, each figure's mean over the replications (numbers as in the grid overview).
    static func details(_ group: ComparisonGroup) -> [String] {
        group.details.flatMap { summary -> [String] in
            let table = summary.table
            let n = summary.replications
            let description = table.description.hasSuffix(".") ? String(table.description.dropLast()) : table.description
            let meanings = table.figures.map { figure in
                "**\(cell(figure.name))**" + (figure.unit.isEmpty ? "" : " (\(cell(figure.unit)))")
                    + (figure.description.isEmpty ? "" : " " + cell(figure.description))
            }
            var lines = ["", "<details><summary>\(table.fileName): \(cell(description)) — means over \(n) "
                         + "replication\(n == 1 ? "" : "s")</summary>", "",
                         "Each figure is its mean over the replications whose run reports the row (– where none does): "
                         + meanings.joined(separator: "; ") + ".", ""]
            let figures = table.figures.map { $0.unit.isEmpty ? cell($0.name) : "\(cell($0.name)) (\(cell($0.unit)))" }
            lines.append("| strategy | " + (table.keys.map(cell) + figures).joined(separator: " | ") + " |")
            lines.append("|---|" + String(repeating: "---|", count: table.keys.count)
                         + String(repeating: "---:|", count: table.figures.count))
            for row in summary.rows {
                let cells = [group.strategies[row.strategy]] + row.keys.map(cell) + row.means.map(format)
                lines.append("| " + cells.joined(separator: " | ") + " |")
            }
            return lines + ["", "</details>"]
        }
    }

    /// Free text (an item's key) as one table cell: no line breaks, `|` escaped, no HTML.
    static func cell(_ text: some StringProtocol) -> String {
        var result = ""
        for character in text {
            switch character {
            case "|": result += "\\|"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "&": result += "&amp;"
            case _ where character.isNewline || character == "\t": result += " "
            default: result.append(character)
            }
        }
        return result
    }
}
