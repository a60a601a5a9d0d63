import ArgumentParser
import NIOHTTP1
import ParleyConfig
import ParleyDirector
import ParleyModel
import ParleyApp
import ParleyWeb

struct LicenseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "license", abstract: "Host licences.", subcommands: [Add.self, Show.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Install host licences (works on the data directory; no running server is needed).")

        @OptionGroup var options: ConfigOptions
        @Option(name: .long, help: "Number of host licences to add.") var hosts: Int
        @Option(name: .long, help: "A note, e.g. the order number.") var note = ""

        func run() async throws {
            try await reporting {
                let config = try options.loadQuietly()
                let status = try await StoreFactory.withLocalDirector(config, logger: Observability.logger("parley")) { director in
                    try await director.addLicences(hosts: hosts, note: note, by: nil)
                }
                print("Installed \(hosts) host licences: \(status.installedHosts) in all, \(status.activeHosts) hosts active in the last \(status.auditWindowDays) days.")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show installed licences and the audit (through the API).")
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await reporting {
                let s = try await client.client.call(.GET, "/api/v1/licenses", as: LicenceStatusDTO.self)
                if client.json { return try CLISupport.printJSON(s) }
                print("Installed host licences: \(s.installedHosts)")
                print("Active hosts (\(s.auditWindowDays) days): \(s.activeHosts)\(s.exceeded ? "  EXCEEDED" : "")")
                if s.singleMeetingMode { print("No licence installed: only one meeting may be in progress at a time.") }
            }
        }
    }
}
