import Yams

/// A `compare` thresholds file (YAML): `threshold:` for every metric and `metrics:` mapping
/// metric names (or `family:metric`) to their own, each `2%` (relative) or `0.01` (absolute).
///
///     threshold: 2%
///     metrics:
///       success-rate: 0.01
///       cost-per-task: 5%
public enum ThresholdsFile {
    /// The thresholds as written; `isValid` says whether a value is a threshold. Every problem
    /// is thrown with its position.
    public static func read(path: String, isValid: (String) -> Bool) throws(InputError)
        -> (all: String?, metrics: [(name: String, threshold: String)]) {
        let (file, parsed) = try SourceCache().parse(path)
        guard let root = parsed else { throw InputError(file.diagnostics) }
        guard let top = Fields(root, in: file, what: "thresholds file", allowed: ["threshold", "metrics"]) else {
            throw InputError(file.diagnostics)
        }
        func check(_ node: Node, field: String) -> String? {
            guard case .scalar(let scalar) = node else {
                file.error("\(field) must be a single value", at: node)
                return nil
            }
            let text = scalar.string
            guard isValid(text) else {
                file.error("\(field) must be a relative threshold such as 2% or an absolute one such as 0.01, "
                           + "got '\(excerpt(text))'", at: node)
                return nil
            }
            return text
        }
        let all = top["threshold"].flatMap { check($0, field: "threshold") }
        var metrics: [(String, String)] = []
        if let node = top["metrics"] {
            if case .mapping(let mapping) = node {
                for (key, value) in mapping {
                    let name = key.string ?? ""
                    if metrics.contains(where: { $0.0 == name }) {
                        file.error("metric '\(excerpt(name))' is listed twice", at: key)
                    } else if let text = check(value, field: "threshold of \(excerpt(name))") {
                        metrics.append((name, text))
                    }
                }
            } else {
                file.error("metrics must map metric names to thresholds", at: node)
            }
        }
        guard file.diagnostics.isEmpty else { throw InputError(file.diagnostics) }
        return (all, metrics)
    }
}
