import ParleyConfig
import ParleyModel
import Testing

@Suite("Defaults and the example")
struct DefaultsAndExampleTests {
    @Test func noFileGivesTheDefaults() throws {
        let configuration = try ConfigurationLoader.load(yaml: nil).get()
        #expect(configuration == ParleyConfiguration())
        #expect(configuration.dataDirectory == "./parley-data")
        #expect(configuration.roles == [.director, .node, .web])
        #expect(configuration.system.name == "parley")
        #expect(configuration.log.level == .info)
        #expect(configuration.log.format == .text)
        #expect(configuration.http.address == "0.0.0.0")
        #expect(configuration.http.port == 8080)
        #expect(configuration.http.publicURL == nil)
        #expect(configuration.https.port == 8443)
        #expect(configuration.https.isEnabled == false)
        #expect(configuration.database.driver == .sqlite)
        #expect(configuration.database.sqlite.path == "parley.sqlite")
        #expect(configuration.database.postgres.host == "127.0.0.1")
        #expect(configuration.database.postgres.port == 5432)
        #expect(configuration.database.postgres.user == "parley")
        #expect(configuration.database.postgres.database == "parley")
        #expect(configuration.database.postgres.tls == .disable)
        #expect(configuration.sip.udpPort == 5060)
        #expect(configuration.sip.tcpPort == 5060)
        #expect(configuration.sip.tlsPort == 5061)
        #expect(configuration.media.port == 5004)
        #expect(configuration.media.extraPorts == nil)
        #expect(configuration.meetings.idDigits == 6)
        #expect(configuration.meetings.defaultDurationMinutes == 60)
        #expect(configuration.licence.auditWindowDays == 30)
        #expect(configuration.licence.auditIntervalSeconds == 300)
        #expect(configuration.sites.isEmpty && configuration.nodes.isEmpty && configuration.directors.isEmpty)
    }

    @Test func emptyAndCommentOnlyFilesGiveTheDefaults() throws {
        for text in ["", "# nothing here\n", "~\n", "---\n"] {
            let report = ConfigurationLoader.check(yaml: text, sourceName: "parley.yaml")
            #expect(report.errors.isEmpty, "\(report)")
            #expect(report.configuration == ParleyConfiguration())
        }
    }

    @Test func storePathResolvesAgainstDataDirectory() {
        var configuration = ParleyConfiguration()
        #expect(configuration.storePath == "./parley-data/parley.sqlite")
        configuration.dataDirectory = "/var/lib/parley/"
        #expect(configuration.storePath == "/var/lib/parley/parley.sqlite")
        configuration.database.sqlite.path = "/srv/db/parley.sqlite"
        #expect(configuration.storePath == "/srv/db/parley.sqlite")
        configuration.dataDirectory = "."
        configuration.database.sqlite.path = "db/parley.sqlite"
        #expect(configuration.storePath == "db/parley.sqlite")
    }

    @Test func exampleLoadsCleanlyToTheDefaults() throws {
        let report = ConfigurationLoader.check(yaml: ParleyConfiguration.exampleYAML, sourceName: "parley.yaml")
        #expect(report.errors.isEmpty, "\(report)")
        #expect(report.warnings.isEmpty, "\(report)")
        #expect(report.configuration == ParleyConfiguration.defaults)
    }

    @Test func exampleMentionsEveryKeyAndVariable() {
        let example = ParleyConfiguration.exampleYAML
        for key in ConfigurationKey.all {
            #expect(example.contains("\(key.name):"), "\(key.path) missing from the example")
            if let variable = key.environmentVariable {
                #expect(example.contains(variable), "\(variable) missing from the example")
            }
        }
        #expect(example.contains("PARLEY_HTTP_PORT"))
        #expect(example.contains("flags > environment variables > this file > defaults"))
    }

    @Test func uncommentedClusterExampleLoadsCleanly() throws {
        // The commented cluster block, uncommented, replacing the empty lists.
        var lines: [String] = []
        var inCluster = false
        for line in ParleyConfiguration.exampleYAML.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "# sites:" { inCluster = true }
            if inCluster, line.hasPrefix("# ") {
                lines.append(String(line.dropFirst(2)))
            } else if !line.hasSuffix(": []") {
                if inCluster, !line.hasPrefix("#") { inCluster = false }
                lines.append(String(line))
            }
        }
        let yaml = lines.joined(separator: "\n")
        let report = ConfigurationLoader.check(
            yaml: yaml, sourceName: "parley.yaml", environment: ["PARLEY_DATABASE_DRIVER": "postgres"])
        #expect(report.errors.isEmpty, "\(report)\n\(yaml)")
        #expect(report.warnings.isEmpty, "\(report)")
        let configuration = try #require(report.configuration)
        #expect(configuration.sites.map(\.name) == ["hq", "apac"])
        #expect(configuration.nodes.map(\.name) == ["node-1", "node-2", "node-3"])
        #expect(configuration.nodes.map(\.capacity) == [1200, 1200, 600])
        #expect(configuration.directors.map(\.address) == ["10.0.1.11", "10.0.1.12"])
    }

    @Test func keyListIsConsistent() {
        let keys = ConfigurationKey.all
        #expect(Set(keys.map(\.path)).count == keys.count)
        let variables = keys.compactMap(\.environmentVariable)
        #expect(Set(variables).count == variables.count)
        #expect(ConfigurationKey.named("http.port")?.environmentVariable == "PARLEY_HTTP_PORT")
        #expect(ConfigurationKey.named("data_dir")?.environmentVariable == "PARLEY_DATA_DIR")
        #expect(
            ConfigurationKey.named("database.postgres.password")?.environmentVariable
                == "PARLEY_DATABASE_POSTGRES_PASSWORD")
        #expect(ConfigurationKey.named("database.postgres.password")?.isSecret == true)
        #expect(ConfigurationKey.named("nodes[].site")?.environmentVariable == nil)
        #expect(ConfigurationKey.named("nodes[].site")?.isRequired == true)
        #expect(ConfigurationKey.named("http.port")?.defaultValue == "8080")
        #expect(ConfigurationKey.named("roles")?.defaultValue == "director,node,web")
        #expect(ConfigurationKey.named("log.level")?.type == .choice(["trace", "debug", "info", "notice", "warning", "error", "critical"]))
        for key in keys {
            #expect(ParleyConfiguration.referenceMarkdown.contains("`\(key.path)`"))
        }
    }
}
