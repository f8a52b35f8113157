import Experiments
import Foundation

/// Writing to the terminal: diagnostics to stderr (coloured only on a terminal), progress.
enum Terminal {
    static let stderrIsTerminal = isatty(STDERR_FILENO) == 1

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Prints every diagnostic as `path:line:column: error: message`.
    static func report(_ error: InputError) {
        for d in error.diagnostics {
            let location = "\(d.location.path):\(d.location.line):\(d.location.column):"
            if stderrIsTerminal {
                printError("\u{1B}[1m\(location)\u{1B}[0m \u{1B}[1;31merror:\u{1B}[0m \(d.message)")
            } else {
                printError(d.description)
            }
        }
        let count = error.diagnostics.count
        printError("\(count) error\(count == 1 ? "" : "s") found; nothing was run or written.")
    }
}

/// Exit codes: 0 success, 1 a comparison found a regression, 2 bad input or usage.
enum ExitStatus {
    static let badInput: Int32 = 2
}
