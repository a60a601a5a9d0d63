import ArgumentParser
import NIOHTTP1
import ParleyConfig
import ParleyDirector
import ParleyModel
import Foundation
import ParleyApp
import ParleyConfig

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Check a configuration file or print a commented example.",
        subcommands: [Check.self, Example.self, Reference.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Report every error in FILE with its key path and the fix; exit 1 if any.")

        @Argument(help: "The YAML file to check (default: $PARLEY_CONFIG or ./parley.yaml).")
        var file: String?

        func run() async throws {
            try await reporting {
                let path = ConfigurationFile.locate(explicit: file, environment: ProcessInfo.processInfo.environment)
                let loaded = try ConfigurationFile.load(path: path)
                for warning in loaded.report.warnings { print("warning: \(warning)") }
                print("\(path ?? "built-in defaults"): OK (\(loaded.configuration.listenerTable.listeners.count) listeners, \(loaded.configuration.nodes.count) nodes, \(loaded.configuration.sites.count) sites)")
            }
        }
    }

    struct Example: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a commented example with every key and its default.")

        func run() async throws {
            print(ParleyConfiguration.exampleYAML, terminator: "")
        }
    }

    struct Reference: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the Markdown table of every key (docs/configuration.md).")

        func run() async throws {
            print(ParleyConfiguration.referenceMarkdown, terminator: "")
        }
    }
}
