import ArgumentParser
import NIOHTTP1
import ParleyConfig
import ParleyDirector
import ParleyModel
import ParleyApp

struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "admin", abstract: "Administration on the data directory.", subcommands: [Token.self, Password.self])

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "API tokens.", subcommands: [Create.self])

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Create an API token and print it alone on stdout (shown once, stored hashed).",
                discussion: "Works on the data directory; no running server is needed. Without --user the token is the built-in admin's."
            )

            @OptionGroup var options: ConfigOptions
            @Option(name: .long, help: "The user the token belongs to (default: the built-in admin).") var user: String?
            @Option(name: .long, help: "A label to recognise the token by.") var label = "cli"

            func run() async throws {
                try await reporting {
                    let config = try options.loadQuietly()
                    let token = try await StoreFactory.withLocalDirector(config, logger: Observability.logger("parley")) { director in
                        try await director.createToken(forLogin: user, label: label).token
                    }
                    print(token)
                }
            }
        }
    }
}
