import Vocabulary

extension DetailTable {
    /// What is wrong with this declaration, in a sentence; nil when nothing is. The name and
    /// the column names go into file names and CSV headers, so they are kept plain.
    public var declarationError: String? {
        guard Registry.isPlainName(name) else {
            return "detail table name '\(name)' must be 1 to 100 bytes of letters, digits, '-', '_' or '.'"
        }
        guard !DetailTable.reservedNames.contains(name) else {
            return "detail table '\(name)' would be written over \(fileName); choose another name"
        }
        guard !figures.isEmpty else { return "detail table '\(name)' declares no figures" }
        var seen: Set<String> = []
        for column in keys + figures.map(\.name) {
            guard Registry.isPlainName(column) else {
                return "column '\(column)' of detail table '\(name)' must be 1 to 100 bytes of letters, digits, '-', '_' or '.'"
            }
            guard !DetailTable.runColumns.contains(column) else {
                return "column '\(column)' of detail table '\(name)' is one every detail file starts with ("
                    + DetailTable.runColumns.joined(separator: ", ") + ")"
            }
            guard seen.insert(column).inserted else { return "detail table '\(name)' names column '\(column)' twice" }
        }
        return nil
    }
}
