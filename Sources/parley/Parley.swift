import ArgumentParser

@main
struct Parley: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley",
        abstract: "Parley: self-hosted multinode audio and web conferencing.",
        discussion: "Start with `parley serve`; see the README for the tour.",
        subcommands: [
            Serve.self, ConfigCommand.self, PortsCommand.self, AdminCommand.self, LicenseCommand.self, MeetingCommand.self, UserCommand.self,
            LoadCommand.self, NetTestCommand.self,
        ]
    )
}
