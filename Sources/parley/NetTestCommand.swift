import ArgumentParser
import Foundation
import ParleyApp
import ParleyConfig

struct NetTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nettest",
        abstract: "Measure the network path to a node: TCP and UDP connectivity, delay, throughput, jitter, loss, DSCP, calls it carries.",
        discussion: """
            Runs against the network-test responder of a Parley node (nettest.enabled). Takes about \
            9 s plus --duration. Prints a table with pass/warn/fail per row (or --json) and exits 1 \
            when a row fails. Probes are marked with dscp.audio and sent from a port of \
            clients.audio_ports (read from the configuration, if any).
            """
    )

    @Argument(help: "The node: host name or IP address.")
    var host: String

    @Option(name: .customLong("udp-port"), help: "UDP port to test; repeatable (default: 5004 and 9000).")
    var udpPorts: [Int] = []

    @Option(name: .customLong("tcp-port"), help: "TCP port of the delay and throughput test.")
    var tcpPort: Int = 5004

    @Option(help: "Seconds of the UDP quality phase, 1 to 20.")
    var duration: Double = 5

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @OptionGroup var options: ConfigOptions

    func validate() throws {
        for port in udpPorts + [tcpPort] where !(1...65_535).contains(port) {
            throw ValidationError("Port \(port) is not between 1 and 65535.")
        }
        guard duration.isFinite, (1...20).contains(duration) else {
            throw ValidationError("--duration must be between 1 and 20 seconds.")
        }
    }

    func run() async throws {
        try await reporting {
            let config = try options.loadQuietly()
            let audio = config.clients.audioPorts
            let client = NetTestClient(
                options: NetTestClient.Options(
                    host: host, udpPorts: udpPorts.isEmpty ? [5004, 9000] : udpPorts, tcpPort: tcpPort, duration: duration,
                    audioSourcePorts: min(audio.first, audio.last)...max(audio.first, audio.last), dscp: config.dscp.audio))
            let result = try await client.run()
            for warning in result.warnings {
                FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
            }
            print(json ? result.json : result.table)
            if result.failed { throw ExitCode(1) }
        }
    }
}
