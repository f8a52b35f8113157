import Foundation
@testable import Reporting

/// Fresh temporary folders for tests.
enum TestFolders {
    /// Writes `files` (name → text) to a fresh folder and returns its path.
    static func make(_ files: [String: String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("coordbench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return dir.path
    }

    /// What `ResultSet.load` says of the results folder `written()` makes once `edit` has
    /// changed it — its error, paths relative to the folder — or "loaded" if it accepts it.
    static func refusal(of written: () throws -> String, after edit: (String) throws -> Void) throws -> String {
        let directory = try written()
        try edit(directory)
        do {
            _ = try ResultSet.load(directory, checkHash: false)
            return "loaded"
        } catch {
            return error.description.replacingOccurrences(of: directory + "/", with: "")
        }
    }
}
