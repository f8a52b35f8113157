import Experiments
import Foundation

/// Writing to the terminal: diagnostics to stderr (coloured only on a terminal), progress.
enum Terminal {
    static let stderrIsTerminal = isatty(STDERR_FILENO) == 1

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// The most diagnostics printed; the rest are counted ("and 12 more errors").
    static let maximumDiagnostics = 50

    /// Prints the diagnostics as `path:line:column: error: message`, at most
    /// `maximumDiagnostics` of them, each on one line (see `Diagnostic.description`).
    static func report(_ error: InputError) {
        for d in error.diagnostics.prefix(maximumDiagnostics) {
            if stderrIsTerminal {
                let location = "\(excerpt(d.location.path, limit: 300)):\(d.location.line):\(d.location.column):"
                printError("\u{1B}[1m\(location)\u{1B}[0m \u{1B}[1;31merror:\u{1B}[0m "
                           + excerpt(d.message, limit: Diagnostic.maximumMessageLength))
            } else {
                printError(d.description)
            }
        }
        let count = error.diagnostics.count
        if count > maximumDiagnostics { printError("… and \(count - maximumDiagnostics) more") }
        printError("\(count) error\(count == 1 ? "" : "s") found; nothing was run or written.")
    }
}

/// Exit codes: 0 success, 1 a comparison found a regression, 2 bad input or usage.
enum ExitStatus {
    static let badInput: Int32 = 2
}
