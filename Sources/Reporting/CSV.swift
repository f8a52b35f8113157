import Foundation
internal import CGSL
import SimulationKernel
import Vocabulary

/// RFC 4180 CSV text: fields quoted only when they hold a comma, quote or line break;
/// lines end with "\n".
public enum CSV {
    public static func field(_ text: String) -> String {
        // By bytes, not Characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
        guard text.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    public static func line(_ fields: [String]) -> String {
        var text = ""
        text.reserveCapacity(fields.reduce(1) { $0 + $1.utf8.count + 1 })
        append(fields, to: &text)
        return text
    }

    /// Appends `fields` to `text` as a line: field by field, without the array of quoted fields
    /// and the joined copy that mapping and joining make (every run's rows are formatted so).
    static func append(_ fields: [String], to text: inout String) {
        for (i, field) in fields.enumerated() {
            if i > 0 { text += "," }
            text += self.field(field)
        }
        text += "\n"
    }

    /// A metric value: integers without a decimal point, others in Swift's shortest
    /// round-trip form, and an empty field for an undefined value (NaN).
    public static func number(_ value: Double) -> String {
        value.isNaN ? "" : formatNumber(value)
    }

    /// A statistic, to 6 significant digits (`%.6g`); empty when undefined.
    public static func statistic(_ value: Double) -> String {
        value.isNaN ? "" : Printf.format("%.6g", value)
    }
}

/// One number formatted by the C library's `printf` — the bytes `String(format:)` gives for a
/// single floating-point conversion (`%.6g`, `%.2f`, `%.1e`…), at a fraction of its cost
/// (summaries format a few numbers per cell of a suite).
enum Printf {
    static func format(_ format: String, _ value: Double) -> String {
        let capacity = 128
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: capacity) { buffer -> String in
            let n = cgsl_format_double(buffer.baseAddress, capacity, format, value)
            guard n >= 0 && Int(n) < capacity else { return String(format: format, value) }
            return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress, count: Int(n)), as: UTF8.self)
        }
    }
}
