import ArgumentParser
import NIOHTTP1
import ParleyConfig
import ParleyDirector
import ParleyModel
import ParleyApp
import ParleyWeb

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage users (through the API; administrators).", subcommands: [Add.self, List.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Sign-in name.") var login: String
        @Option(name: .long, help: "Display name.") var name: String?
        @Option(name: .long, help: "E-mail address.") var email: String?
        @Option(name: .long, help: "Role: admin, host or user.") var role = "host"
        @Option(name: .long, help: "Phone profile number (4-10 digits).") var profile: String?
        @Option(name: .long, help: "Phone PIN (4-12 digits).") var pin: String?
        @Option(name: .long, help: "Web password (8-128 characters).") var password: String?
        @Option(name: .long, help: "Group name.") var group: String?

        func run() async throws {
            try await reporting {
                var body: [String: Any] = ["login": login, "role": role]
                if let name { body["displayName"] = name }
                if let email { body["email"] = email }
                if let profile { body["profileNumber"] = profile }
                if let pin { body["pin"] = pin }
                if let password { body["password"] = password }
                if let group { body["group"] = group }
                let user = try await client.client.call(.POST, "/api/v1/users", body: body, as: UserDTO.self)
                if client.json { return try CLISupport.printJSON(user) }
                print(CLISupport.userTable([user]))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users.")
        @OptionGroup var client: ClientOptions
        @Option(name: .long, help: "Page size (1-500).") var limit = 100
        @Option(name: .long, help: "Rows to skip.") var offset = 0

        func run() async throws {
            try await reporting {
                let page = try await client.client.call(.GET, "/api/v1/users?limit=\(limit)&offset=\(offset)", as: Page<UserDTO>.self)
                if client.json { return try CLISupport.printJSON(page) }
                print(CLISupport.userTable(page.items))
                print("\(page.items.count) of \(page.total) users")
            }
        }
    }
}
