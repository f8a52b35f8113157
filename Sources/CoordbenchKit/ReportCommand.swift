import ArgumentParser
import Experiments
import Foundation
import Reporting

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Rebuild report.md and its charts from a results folder's runs.csv, detail files and manifest.json alone.")

    @Argument(help: "The results folder.", completion: Completion.folder)
    var results: String

    func run() throws { try Terminal.exitingOnFailure(report) }

    func report() throws {
        let loaded: ResultSet
        do {
            loaded = try ResultSet.load(results)
        } catch {
            Terminal.printError("error: \(error)")
            throw ExitCode(ExitStatus.badInput)
        }
        let folder = try OutputFolder.acquire(results)
        defer { folder.release() }
        let (report, charts) = try ResultsWriter.renderPresentation(loaded)
        for (name, svg) in charts {
            try SafeFile.writeAtomically(svg, to: (results as NSString).appendingPathComponent(name))
        }
        try SafeFile.writeAtomically(report, to: (results as NSString).appendingPathComponent("report.md"))
        print("report: \((results as NSString).appendingPathComponent("report.md"))"
              + (charts.isEmpty ? "" : " (and \(charts.count) chart\(charts.count == 1 ? "" : "s"))"))
    }
}
