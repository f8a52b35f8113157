import ArgumentParser
import Experiments
import Foundation
import Reporting

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

extension Terminal {
    /// Where a results folder's report and data files are (after `run` and `merge`).
    static func printFiles(of written: Pipeline.Written, in directory: String) {
        print("report: \((directory as NSString).appendingPathComponent("report.md"))")
        print("data:   \(directory)/runs.csv, " + (written.detailFiles + ["summary.csv", "results.json", "manifest.json"])
            .joined(separator: ", "))
    }
}

/// Exit codes, documented in README.md: 0 success, 1 a comparison found a regression,
/// 2 bad input or usage, 3 results that cannot be compared or merged, 4 an I/O failure.
enum ExitStatus {
    static let success: Int32 = 0
    static let regression: Int32 = 1
    static let badInput: Int32 = 2
    static let incomparable: Int32 = 3
    static let ioFailure: Int32 = 4
}

extension Terminal {
    /// Runs a command's body and turns what it throws into a plain one-line message and an
    /// exit status, so no error reaches swift-argument-parser's default handler (which would
    /// exit 1, reserved for regressions): an output folder in use → 2; a failure to read or
    /// write a file or folder → 4 (`error: cannot write PATH: REASON`). ExitCode and the
    /// parser's own errors pass through.
    static func exitingOnFailure(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as ExitCode {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch let error as CleanExit {
            throw error
        } catch let error as InputError {
            report(error)
            throw ExitCode(ExitStatus.badInput)
        } catch let error as FolderInUse {
            printError("error: \(error)")
            throw ExitCode(ExitStatus.badInput)
        } catch let error as IOFailure {
            printError("error: \(error)")
            throw ExitCode(ExitStatus.ioFailure)
        } catch {
            printError("error: \(plainMessage(error))")
            throw ExitCode(ExitStatus.ioFailure)
        }
    }

    /// A Foundation error as `cannot access PATH: REASON` when it names a file, else its description.
    static func plainMessage(_ error: any Error) -> String {
        let error = error as NSError
        var reason = error.localizedDescription
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            reason = String(cString: strerror(Int32(underlying.code)))
        } else if error.domain == NSPOSIXErrorDomain {
            reason = String(cString: strerror(Int32(error.code)))
        }
        if let path = error.userInfo[NSFilePathErrorKey] as? String ?? (error.userInfo[NSURLErrorKey] as? URL)?.path {
            return "cannot access \(path): \(reason)"
        }
        return reason
    }
}
