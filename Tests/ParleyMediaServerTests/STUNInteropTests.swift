import Foundation
import NIOCore
import ParleyMediaServer
import ParleySTUN
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// STUN on a real media engine's socket (127.0.0.1, a port the kernel picks): from a test
/// socket, and from real clients of Debian: coturn's `turnutils_stunclient` (RFC 5389/8489)
/// and the `stun` client of package stun-client (RFC 3489, no magic cookie).
@Suite("STUN on the media port", .timeLimit(.minutes(1)))
struct STUNInteropTests {
    @Test("a Binding request on the media port is answered on it and never reaches the media core")
    func bindingOnTheMediaSocket() async throws {
        try await withMediaEngine { engine in
            let socket = try MediaTestSocket()
            defer { socket.close() }
            let id = STUNTransactionID.random()
            socket.send(STUNMessage(type: .bindingRequest, transactionID: id).bytes(fingerprint: true).readableBytesView.map { $0 }, toPort: engine.localPort)
            var datagrams: [[UInt8]] = []
            for _ in 0..<200 where datagrams.isEmpty {  // at most 2 s
                try await Task.sleep(for: .milliseconds(10))
                datagrams = socket.receiveAll()
            }
            var response = ByteBuffer(bytes: try #require(datagrams.first, "no STUN response from the media port"))
            let message = try STUNMessage(parsing: &response)
            #expect(message.type == .bindingSuccess && message.transactionID == id)
            #expect(message.xorMappedAddress?.description == "127.0.0.1:\(socket.port)")
            #expect(message.software == "Parley")
            // STUN never reaches the media core as an unknown packet.
            let statistics = await engine.statistics()
            #expect(statistics.droppedOtherProtocol == 0 && statistics.droppedMalformed == 0)
        }
    }

    @Test("coturn's turnutils_stunclient learns its reflexive address")
    func coturnClient() async throws {
        let program = try #require(STUNClientProgram.find("turnutils_stunclient"), STUNClientProgram.missing("coturn"))
        try await withMediaEngine { engine in
            let run = try await STUNClientProgram.run(program, ["-p", "\(engine.localPort)", "127.0.0.1"])
            #expect(run.status == 0, "\(run.output)")
            // "UDP reflexive addr: 127.0.0.1:PORT"
            #expect(run.output.contains("reflexive addr: 127.0.0.1:"), "\(run.output)")
        }
    }

    @Test("the RFC 3489 `stun` client gets a MAPPED-ADDRESS answer")
    func classicClient() async throws {
        let program = try #require(STUNClientProgram.find("stun"), STUNClientProgram.missing("stun-client"))
        try await withMediaEngine { engine in
            // Test 1: one Binding request, no CHANGE-REQUEST; -v prints the mapped address.
            let run = try await STUNClientProgram.run(program, ["127.0.0.1:\(engine.localPort)", "1", "-v"])
            #expect(run.output.contains("MappedAddress = 127.0.0.1:"), "\(run.output)")
        }
    }
}

/// A STUN client program, run with its output in a file and a deadline.
enum STUNClientProgram {
    struct Run {
        var status: Int32
        var output: String
    }

    static func find(_ name: String) -> String? {
        ["/usr/bin/", "/usr/local/bin/", "/usr/sbin/"].map { $0 + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func missing(_ package: String) -> Comment {
        "\(package) is not installed (Debian package \(package)): run scripts/setup.sh --tests"
    }

    static func run(_ executable: String, _ arguments: [String], timeout: Duration = .seconds(20)) async throws -> Run {
        let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("parley-stun-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outputFile) }
        let output = try FileHandle(forWritingTo: outputFile)
        defer { try? output.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        let exit = ExitStatus()
        process.terminationHandler = { finished in exit.finish(finished.terminationStatus) }
        try process.run()
        let pid = process.processIdentifier
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            if process.isRunning { kill(pid, SIGKILL) }
        }
        let status = await exit.value
        watchdog.cancel()
        return Run(status: status, output: (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "")
    }
}
