import ArgumentParser
import Foundation
import ParleyApp
import ParleyConfig
import ParleyModel

struct PortsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ports",
        abstract: "The ports a deployment's hosts use, as tables or firewall rules; check them from outside.",
        discussion: """
            Generated from the listener table that binds the sockets, so it matches what `parley serve` opens.
            Examples:
              parley ports --config /etc/parley/parley.yaml
              parley ports --role node --format nftables > /etc/nftables.d/parley.nft
              parley ports check meet.example.com --role node
            """,
        subcommands: [Show.self, Check.self],
        defaultSubcommand: Show.self
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the incoming and outgoing ports of a host (the default subcommand).")

        @OptionGroup var options: ConfigOptions

        @Option(
            name: .long,
            help: ArgumentHelp(
                "The host's role (repeatable; default: the configuration's roles): director, node or web.", valueName: "role"))
        var role: [String] = []

        @Option(name: .long, help: "table, markdown, csv, json, nftables or iptables.")
        var format: String = "table"

        func run() async throws {
            try await reporting {
                let roles = try PortsOptions.roles(role)
                let format = try PortsOptions.format(format)
                let config = try options.loadQuietly()
                print(config.portReference(roles: roles).rendered(as: format), terminator: "")
            }
        }
    }
}

extension PortsCommand {
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Try each incoming port of HOST from here: TCP connect, STUN Binding on media, SIP OPTIONS.",
            discussion: "Prints pass or fail per row with the rule to add; exits 1 when a required row fails.")

        @Argument(help: "The host to check: a name or an IP address, as users reach it.")
        var host: String

        @OptionGroup var options: ConfigOptions

        @Option(
            name: .long,
            help: ArgumentHelp("The host's role (repeatable; default: the configuration's roles).", valueName: "role"))
        var role: [String] = []

        func run() async throws {
            try await reporting {
                let roles = try PortsOptions.roles(role)
                let reference = try options.loadQuietly().portReference(roles: roles)
                let results = await PortCheck(host: host).run(reference)
                print(PortCheck.report(results, host: host, roles: reference.roles), terminator: "")
                if results.contains(where: \.failedRequired) { throw ExitCode(1) }
            }
        }
    }
}

/// Parsing of the options `ports` shares with `ports check`, with errors that name the fix.
enum PortsOptions {
    static func roles(_ names: [String]) throws -> [Role]? {
        guard !names.isEmpty else { return nil }
        return try names.flatMap { $0.split(separator: ",") }.map { name in
            guard let role = Role(rawValue: name.trimmingCharacters(in: .whitespaces).lowercased()) else {
                throw ParleyError(
                    .invalid, code: "ports.role", message: "'\(name)' is not a role.", field: "role",
                    fix: "Use director, node or web.")
            }
            return role
        }
    }

    static func format(_ name: String) throws -> PortReference.Format {
        guard let format = PortReference.Format(rawValue: name.lowercased()) else {
            throw ParleyError(
                .invalid, code: "ports.format", message: "'\(name)' is not an output format.", field: "format",
                fix: "Use one of: \(PortReference.Format.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return format
    }
}
