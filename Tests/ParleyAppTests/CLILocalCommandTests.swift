import Foundation
import ParleyTestSupport
import Testing

/// The `parley` executable's commands that need no server: config, admin token, license add.
@Suite("CLI: local commands", .timeLimit(.minutes(1)))
struct CLILocalCommandTests {
    @Test func exampleConfigurationPassesCheck() async throws {
        try await TemporaryDirectory.with(prefix: "parley-cli") { directory in
            let example = try await ParleyCLI.run(["config", "example"], in: directory)
            #expect(example.status == 0, "\(example.transcript)")
            #expect(example.stdout.contains("http:") && example.stdout.contains("port: 8080"))
            let path = directory.appending("example.yaml")
            try example.stdout.write(toFile: path, atomically: true, encoding: .utf8)

            let check = try await ParleyCLI.run(["config", "check", "example.yaml"], in: directory)
            #expect(check.status == 0, "\(check.transcript)")
            #expect(check.stdout.contains("example.yaml: OK"), "\(check.transcript)")
            #expect(check.stderr.isEmpty, "\(check.transcript)")
        }
    }

    @Test func checkReportsEveryErrorWithKeyPathAndFix() async throws {
        try await TemporaryDirectory.with(prefix: "parley-cli") { directory in
            let bad = """
                http:
                  port: 70000
                log:
                  level: loud
                sites:
                  - name: hq
                nodes:
                  - name: node-1
                    site: emea
                    address: 10.0.0.1

                """
            try bad.write(toFile: directory.appending("bad.yaml"), atomically: true, encoding: .utf8)
            let check = try await ParleyCLI.run(["config", "check", "bad.yaml"], in: directory)
            #expect(check.status == 1, "\(check.transcript)")
            #expect(check.stdout.isEmpty, "\(check.transcript)")
            for expected in [
                "3 errors",
                "bad.yaml:2: http.port: expected an integer from 0 to 65535, got '70000'.",
                "bad.yaml:4: log.level: expected one of: trace, debug, info, notice, warning, error, critical, got 'loud'.",
                "bad.yaml:9: nodes[0].site: site 'emea' is not declared in sites. Add it under sites: or use one of: hq.",
                "fix: Correct the keys listed, then run `parley config check` again.",
            ] {
                #expect(check.stderr.contains(expected), "missing \(expected) in:\n\(check.transcript)")
            }
        }
    }

    @Test func checkOfAMissingFileSaysSo() async throws {
        try await TemporaryDirectory.with(prefix: "parley-cli") { directory in
            let check = try await ParleyCLI.run(["config", "check", "nowhere.yaml"], in: directory)
            #expect(check.status == 1)
            #expect(check.stderr.contains("nowhere.yaml") && check.stderr.contains("fix:"), "\(check.transcript)")
        }
    }

    @Test func adminTokenCreatePrintsOnlyTheToken() async throws {
        try await TemporaryDirectory.with(prefix: "parley-cli") { directory in
            let data = directory.appending("data")
            let result = try await ParleyCLI.run(["admin", "token", "create", "--data-dir", data], in: directory)
            #expect(result.status == 0, "\(result.transcript)")
            #expect(result.stdout.wholeMatch(of: /prl_[0-9a-f]{64}\n/) != nil, "stdout must be exactly one token line:\n\(result.transcript)")
            // A second token is a different one.
            let again = try await ParleyCLI.run(["admin", "token", "create", "--data-dir", data, "--label", "ci"], in: directory)
            #expect(again.status == 0 && again.stdout.wholeMatch(of: /prl_[0-9a-f]{64}\n/) != nil && again.stdout != result.stdout)

            let unknown = try await ParleyCLI.run(["admin", "token", "create", "--data-dir", data, "--user", "nobody"], in: directory)
            #expect(unknown.status == 1 && unknown.stdout.isEmpty)
            #expect(unknown.stderr.contains("No user 'nobody' exists") && unknown.stderr.contains("fix:"), "\(unknown.transcript)")
        }
    }

    @Test func licenseAddWorksOnTheDataDirectory() async throws {
        try await TemporaryDirectory.with(prefix: "parley-cli") { directory in
            let data = directory.appending("data")
            let result = try await ParleyCLI.run(["license", "add", "--hosts", "5", "--note", "PO-7", "--data-dir", data], in: directory)
            #expect(result.status == 0, "\(result.transcript)")
            #expect(result.stdout.contains("Installed 5 host licences: 5 in all"), "\(result.transcript)")
            let more = try await ParleyCLI.run(["license", "add", "--hosts", "2", "--data-dir", data], in: directory)
            #expect(more.stdout.contains("Installed 2 host licences: 7 in all"), "\(more.transcript)")
            let zero = try await ParleyCLI.run(["license", "add", "--hosts", "0", "--data-dir", data], in: directory)
            #expect(zero.status == 1 && zero.stderr.contains("hosts must be from 1"), "\(zero.transcript)")
        }
    }

    @Test func unreachableServerIsReportedAtOnce() async throws {
        try await TemporaryDirectory.with(prefix: "parley-cli") { directory in
            // Nothing listens on a port the kernel just handed out and took back.
            let url = "http://127.0.0.1:\(try PostgresServer.freePort())"
            let started = ContinuousClock.now
            let result = try await ParleyCLI.run(["meeting", "list", "--server", url, "--token", "prl_x"], in: directory, limit: .seconds(20))
            #expect(ContinuousClock.now - started < .seconds(10), "took \(ContinuousClock.now - started)")
            #expect(result.status == 1, "\(result.transcript)")
            #expect(result.stderr.contains("Cannot reach the Parley server at \(url)"), "\(result.transcript)")
            #expect(result.stderr.contains("fix: Is `parley serve` running there?"), "\(result.transcript)")
        }
    }
}
