import Foundation
import ParleyTestSupport

/// A finished `parley` command.
struct CLIResult: Sendable {
    let status: Int32
    let stdout: String
    let stderr: String
    let transcript: String
}

enum ParleyCLI {
    /// Runs a command to completion (at most `limit`).
    static func run(_ arguments: [String], in directory: TemporaryDirectory, limit: Duration = .seconds(30)) async throws -> CLIResult {
        let name = "cmd-\(UInt32.random(in: 0...UInt32.max))"
        let process = try ParleyProcess(arguments, in: directory, name: name)
        do {
            let finished = try await process.waitForExit(within: limit)
            return CLIResult(
                status: finished.exited ? finished.status : -finished.status, stdout: process.stdout, stderr: process.stderr,
                transcript: process.transcript)
        } catch {
            await process.stop()
            throw error
        }
    }

    /// A `parley serve` on `dataDirectory`, with its API URL read from what it prints.
    struct Server: Sendable {
        let process: ParleyProcess
        let url: String
    }

    /// Starts `parley serve` on 127.0.0.1 and waits until it prints its URL.
    ///
    /// The configuration refuses `http.port=0`, so the test asks the kernel for a free port
    /// and passes it; the URL (and so the port) is still read from the server's output.
    static func serve(dataDirectory: String, in directory: TemporaryDirectory, extra: [String] = []) async throws -> Server {
        var lastTranscript = ""
        for _ in 0..<3 {
            let port = try PostgresServer.freePort()
            let process = try ParleyProcess(
                ["serve", "--data-dir", dataDirectory, "--set", "http.address=127.0.0.1", "--set", "http.port=\(port)"] + Self.freeNodePorts + extra, in: directory,
                name: "serve-\(port)")
            var url: String?
            _ = try await poll(.seconds(30)) {
                url = Self.apiURL(in: process.stdout)
                return url != nil || process.finished != nil
            }
            if let url { return Server(process: process, url: url) }
            await process.stop()
            lastTranscript = process.transcript
            // Another process may have taken the port between choosing and binding it.
            guard process.stderr.contains("in use") || process.stderr.contains("bind") else { break }
        }
        throw TestSupportError("parley serve did not print its URL:\n\(lastTranscript)")
    }

    /// The node role's SIP and media sockets on ports the system picks, so servers started by
    /// parallel tests never clash on 5060/5004.
    static let freeNodePorts = [
        "--set", "sip.address=127.0.0.1", "--set", "sip.udp_port=0", "--set", "sip.tcp_port=0",
        "--set", "media.address=127.0.0.1", "--set", "media.port=0", "--set", "nettest.udp_port=0",
    ]

    /// The base URL in `serve`'s output: `portal http://127.0.0.1:PORT/` under `web.http`.
    static func apiURL(in output: String) -> String? {
        guard let match = output.firstMatch(of: /portal (http:\/\/127\.0\.0\.1:(\d+))\//) else { return nil }
        return String(match.1)
    }
}
