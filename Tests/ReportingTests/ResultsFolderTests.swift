import Foundation
import Testing
@testable import Experiments
@testable import Reporting

/// A results folder holds what is needed to rebuild its report, to be compared and to be
/// re-run: the manifest's content hash depends only on the inputs, and the report rebuilt
/// from runs.csv and manifest.json is the report `run` wrote.
@Suite("Results folders")
struct ResultsFolderTests {
    /// The small golden suite, run and written to a fresh folder.
    static func written(seed: UInt64? = nil, provenance: Manifest.Provenance = .unrecorded) throws -> (String, ResultsWriter.Files) {
        let suite = try SuiteLoader.load(path: GoldenTests.fixtures.appendingPathComponent("small.yaml").path, seed: seed)
        let directory = try TestFolders.make([:])
        let files = try Pipeline.run(suite, directory: directory, provenance: provenance, jobs: 2).files
        try ResultsWriter.write(files, to: directory)
        return (directory, files)
    }

    @Test("the content hash is a function of the inputs: equal across provenance, different for another seed")
    func contentHash() throws {
        let (a, _) = try Self.written()
        let other = Manifest.Provenance(createdAt: "2030-01-01T00:00:00Z", host: "elsewhere", gitCommit: "abc", gitDirty: true,
                                        jobs: 7, platform: "x", workingDirectory: "/x", arguments: ["run"])
        let (b, _) = try Self.written(provenance: other)
        let (c, _) = try Self.written(seed: 8)
        let ma = try ResultSet.load(a).manifest, mb = try ResultSet.load(b).manifest, mc = try ResultSet.load(c).manifest
        #expect(ma.contentSha256 == mb.contentSha256)
        #expect(ma.contentSha256 == ma.content.sha256, "the recorded hash is the hash of the recorded content")
        #expect(ma.provenance != mb.provenance)
        #expect(ma.contentSha256 != mc.contentSha256)
        #expect(ma.content.options.seed == 7 && mc.content.options.seed == 8)
    }

    @Test("manifest.json and the seal, made from the content encoded once, are what JSONEncoder writes for any text")
    func manifestAsEncoder() throws {
        let (_, files) = try Self.written()
        var manifest = try Manifest.decode(Data(files.manifest.utf8))
        func encoded(_ manifest: Manifest) throws -> String {
            String(decoding: try Manifest.encoder(pretty: true).encode(manifest), as: UTF8.self) + "\n"
        }
        #expect(files.manifest == (try encoded(manifest)))
        let texts = ["quote \" and \\ backslash", "tab\tnew\nline\rcr", "bell \u{7} \u{1F} \u{7F} nul \u{0}", "slash /",
                     "ünïcødé 🙂 e\u{301}", "Upper Case", "{}[],:", "\"outputs\":{}", ""]
        // A manifest as `run` makes it: sealed with no outputs (text that reads like them
        // elsewhere in the content); then odd outputs and provenance.
        manifest.content.outputs = [:]
        manifest.content.suite.description = "\"outputs\":{}"
        manifest.content.entries[0].strategies[0].parameters["outputs"] = 2
        manifest.seal()
        #expect(manifest.canonical != nil, "the content's encoding is kept")
        #expect(manifest.resultFingerprint == manifest.content.sha256 && manifest.resultFingerprint == manifest.contentSha256)
        for (i, text) in texts.enumerated() {
            manifest.content.outputs[text + ".csv"] = Manifest.FileRecord(sha256: text, bytes: i)
        }
        manifest.provenance = Manifest.Provenance(createdAt: texts[0], host: texts[1], gitCommit: texts[2], gitDirty: nil,
                                                  jobs: 3, platform: texts[4], workingDirectory: texts[3], arguments: texts)
        manifest.seal()
        #expect(manifest.contentSha256 == manifest.content.sha256)
        #expect(try manifest.json() == encoded(manifest))
        let fingerprint = manifest.resultFingerprint
        manifest.content.outputs = [:]
        #expect(fingerprint == manifest.content.sha256, "the journal's fingerprint is of the content without outputs")

        // Content changed after the seal (not only its outputs): encoded whole, never from stale bytes.
        manifest.content.suite.description = texts[1]
        manifest.content.entries[0].strategies[0].parameters = [texts[5]: 1.5, "": -0.0]
        #expect(manifest.resultFingerprint == manifest.content.sha256)
        #expect(try manifest.json() == encoded(manifest))
        manifest.seal()
        #expect(manifest.contentSha256 == manifest.content.sha256)
        #expect(try manifest.json() == encoded(manifest))
    }

    @Test("manifest records inputs by path relative to the suite and by SHA-256 (as sha256sum prints it)")
    func inputs() throws {
        let (directory, _) = try Self.written()
        let manifest = try ResultSet.load(directory).manifest
        #expect(manifest.content.suite.file == "small.yaml")
        #expect(manifest.content.scenarios.map(\.path) == ["small-team.yaml"])
        let suitePath = manifest.suitePath(inResults: directory)
        #expect(suitePath == GoldenTests.fixtures.appendingPathComponent("small.yaml").standardizedFileURL.path)
        let data = try Data(contentsOf: URL(fileURLWithPath: suitePath))
        #expect(manifest.content.suite.sha256 == Manifest.sha256(data))
        // SHA-256 of "abc" (FIPS 180-2, appendix B.1).
        #expect(Manifest.sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let runs = try Data(contentsOf: URL(fileURLWithPath: directory + "/runs.csv"))
        #expect(manifest.content.outputs["runs.csv"]?.sha256 == Manifest.sha256(runs))
    }

    @Test("report.md, the charts and every data file are rebuilt byte for byte from runs.csv and manifest.json")
    func rebuild() throws {
        let (directory, files) = try Self.written()
        var loaded = try ResultSet.load(directory)
        let manifest = loaded.manifest
        let again = try ResultsWriter.render(&loaded)
        #expect(again.runs == files.runs)
        #expect(again.summary == files.summary)
        #expect(again.results == files.results)
        #expect(again.report == files.report)
        #expect(loaded.manifest == manifest)
    }

    @Test("a runs.csv changed after it was written is refused")
    func tampered() throws {
        let (directory, files) = try Self.written()
        try files.runs.replacingOccurrences(of: ",drained,", with: ",event-budget,")
            .write(toFile: directory + "/runs.csv", atomically: true, encoding: .utf8)
        #expect(throws: ResultsError.self) { try ResultSet.load(directory) }
        #expect((try? ResultSet.load(directory, checkHash: false)) != nil)
    }

    @Test("no key column is empty: an entry without a grid is at point 'default'")
    func keyColumns() throws {
        let (_, files) = try Self.written()
        let lines = files.summary.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        for line in lines.dropFirst() { for column in 0..<5 { #expect(!line[column].isEmpty) } }
        #expect(RunRow.pointLabel([]) == "default")
        #expect(files.runs.hasPrefix("run,scenario,family,point,strategy,replication,seed,stop_reason,events,"
                                     + "grid:workload.arrivals.rate,division-of-labour:success-rate,"))
    }

    @Test("a suite's baseline: every other strategy against it on each key metric, Holm-corrected across the table")
    func baselineReport() throws {
        let dir = try TestFolders.make(["small-team.yaml": CompareTests.scenario, "suite.yaml": """
            name: b
            seed: 7
            replications: 10
            baseline: round-robin
            key-metrics: [success-rate, cost-per-success]
            scenarios:
              - path: small-team.yaml
                strategies: [round-robin, least-loaded, skill-routing]

            """])
        let suite = try SuiteLoader.load(path: dir + "/suite.yaml")
        let report = try Pipeline.run(suite, directory: dir, jobs: 2).files.report
        #expect(report.contains("Against the baseline **round-robin** (Δ = strategy − baseline, paired; p Holm-corrected "
                                + "over the 4 comparisons of this table):"))
        let rows = report.split(separator: "\n").filter { $0.hasPrefix("| least-loaded | ") || $0.hasPrefix("| skill-routing | ") }
            .filter { $0.contains(" ↑ | ") || $0.contains(" ↓ | ") }
        #expect(rows.count == 4, "\(rows)")
        #expect(rows.contains { $0.hasPrefix("| skill-routing | cost-per-success ↓ | ") && $0.hasSuffix(" | ▲ |") })
        #expect(!report.contains("| metric | best | runner-up |"), "no best-vs-runner-up table when a baseline is named")
        #expect(report.contains("| round-robin | "), "the baseline's own row stays in the main table")
    }

    @Test("a hostile results folder is refused with a message, never a crash or a hang")
    func hostile() throws {
        func refused(_ edit: (String) throws -> Void) throws -> String {
            try TestFolders.refusal(of: { try Self.written().0 }, after: edit)
        }
        func editManifest(_ directory: String, _ change: (inout [String: Any]) -> Void) throws {
            let url = URL(fileURLWithPath: directory + "/manifest.json")
            var json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
            change(&json)
            try JSONSerialization.data(withJSONObject: json).write(to: url)
        }
        #expect(try refused { try editManifest($0) { json in
            var content = json["content"] as! [String: Any]
            content["confidence"] = 2
            json["content"] = content
        } } == "manifest.json: confidence 2.0 is outside 0.5…0.999")
        #expect(try refused { try editManifest($0) { json in
            var content = json["content"] as! [String: Any]
            var families = content["families"] as! [[String: Any]]
            var metrics = families[0]["metrics"] as! [[String: Any]]
            metrics[0]["direction"] = "sideways"
            families[0]["metrics"] = metrics
            content["families"] = families
            json["content"] = content
        } } == "manifest.json: metric division-of-labour:success-rate has an unknown direction 'sideways'")
        #expect(try refused { try "{}".write(toFile: $0 + "/manifest.json", atomically: true, encoding: .utf8) }
            .hasPrefix("manifest.json: not a coordbench coordbench-manifest/2 manifest"))
        #expect(try refused { directory in
            try FileManager.default.removeItem(atPath: directory + "/runs.csv")
            guard mkfifo(directory + "/runs.csv", 0o600) == 0 else { throw CocoaError(.fileWriteUnknown) }
        } == "runs.csv: not a regular file")
        #expect(try refused { directory in
            try FileManager.default.removeItem(atPath: directory + "/runs.csv")
            try FileManager.default.createSymbolicLink(atPath: directory + "/runs.csv", withDestinationPath: "/dev/zero")
        } == "runs.csv: not a regular file")
        #expect(try refused { directory in
            let text = try String(contentsOfFile: directory + "/runs.csv", encoding: .utf8)
            try (text + "x,y\n").write(toFile: directory + "/runs.csv", atomically: true, encoding: .utf8)
        } == "runs.csv:42: 2 fields, the header has 23")
        #expect(try refused { directory in
            let text = try String(contentsOfFile: directory + "/runs.csv", encoding: .utf8)
            try text.replacingOccurrences(of: ",drained,", with: ",exploded,")
                .write(toFile: directory + "/runs.csv", atomically: true, encoding: .utf8)
        } == "runs.csv:2: unknown stop reason 'exploded'")
    }
}
