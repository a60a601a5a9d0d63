import ArgumentParser
import NIOHTTP1
import ParleyConfig
import ParleyDirector
import ParleyModel
import Foundation
import ParleyApp
import ParleyModel

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the director, node and web roles (all three by default) until SIGINT or SIGTERM."
    )

    @OptionGroup var options: ConfigOptions

    @Option(name: .long, help: "HTTP port of the API and portal (overrides http.port).")
    var httpPort: Int?

    func run() async throws {
        try await reporting {
            var opts = options
            if let httpPort { opts.settings.append("http.port=\(httpPort)") }
            let config = try opts.load()
            Observability.bootstrapLogging(config.log)
            print("Parley \(ParleyVersion.current): roles \(config.roles.map(\.rawValue).joined(separator: ", ")), data in \(config.dataDirectory)")
            let server = ParleyServer(configuration: config) { listener, port in
                let host = ["0.0.0.0", "::"].contains(listener.bindAddress) ? "127.0.0.1" : listener.bindAddress
                var line = "  \(listener.name): \(listener.transport.rawValue.uppercased()) \(listener.bindAddress):\(port)  \(listener.purpose)"
                switch listener.name {
                case "web.http": line += "\n    portal http://\(host):\(port)/  API /api/v1  health /healthz /readyz  metrics /metrics"
                case "web.https": line += "\n    portal https://\(host):\(port)/  API /api/v1"
                case "node.sip.udp": line += "\n    dial sip:<meeting ID>@\(host):\(port) or sip:conf@\(host):\(port) for the voice menu"
                default: break
                }
                print(line)
                fflush(nil)
            }
            try await server.run()
        }
    }
}
