import ParleyConfig
import ParleyModel
import Testing

@Suite("Precedence: flags > environment > file > defaults")
struct PrecedenceTests {
    static let file = """
        http:
          port: 8081
          address: 127.0.0.1
        log:
          level: debug
        system:
          name: from-file
        """

    @Test func eachLayerOverridesTheOneBelow() throws {
        let env = ["PARLEY_HTTP_PORT": "8082", "PARLEY_LOG_LEVEL": "error"]
        let flags = [(key: "http.port", value: "8083")]
        let c = try ConfigurationLoader.load(yaml: Self.file, sourceName: "parley.yaml", environment: env, overrides: flags).get()
        #expect(c.http.port == 8083)  // flag
        #expect(c.log.level == .error)  // environment over file
        #expect(c.http.address == "127.0.0.1")  // file over default
        #expect(c.system.name == "from-file")
        #expect(c.https.port == 8443)  // default
    }

    @Test func environmentOverridesTheFile() throws {
        let c = try ConfigurationLoader.load(yaml: Self.file, environment: ["PARLEY_HTTP_PORT": "8082"]).get()
        #expect(c.http.port == 8082)
    }

    @Test func laterFlagsWin() throws {
        let flags = [(key: "http.port", value: "9001"), (key: "http.port", value: "9002")]
        #expect(try ConfigurationLoader.load(yaml: nil, overrides: flags).get().http.port == 9002)
    }

    @Test func environmentNamesFollowKeyPaths() throws {
        let env = [
            "PARLEY_DATA_DIR": "/srv/parley",
            "PARLEY_ROLES": "node, web",
            "PARLEY_DATABASE_POSTGRES_PASSWORD": "pw",
            "PARLEY_DATABASE_DRIVER": "postgres",
            "PARLEY_MEDIA_PORT_RANGE_FIRST": "30000",
            "PARLEY_MEDIA_PORT_RANGE_LAST": "30100",
            "PARLEY_HTTP_PUBLIC_URL": "https://meet.example.com",
        ]
        let c = try ConfigurationLoader.load(yaml: nil, environment: env).get()
        #expect(c.dataDirectory == "/srv/parley")
        #expect(c.roles == [.node, .web])
        #expect(c.database.postgres.password == "pw")
        #expect(c.database.driver == .postgres)
        #expect(c.media.extraPorts == PortRange(first: 30000, last: 30100))
        #expect(c.http.publicURL == "https://meet.example.com")
    }

    @Test func emptyVariableRestoresTheDefault() throws {
        let c = try ConfigurationLoader.load(yaml: Self.file, environment: ["PARLEY_HTTP_PORT": ""]).get()
        #expect(c.http.port == 8080)
    }

    @Test func environmentErrorsNameTheVariable() throws {
        let report = ConfigurationLoader.check(yaml: Self.file, environment: ["PARLEY_HTTP_PORT": "abc"])
        let issue = try #require(report.errors.first)
        #expect(report.errors.count == 1)
        #expect(issue.keyPath == "http.port")
        #expect(issue.source == .environment(variable: "PARLEY_HTTP_PORT"))
        #expect(
            issue.description
                == "PARLEY_HTTP_PORT: expected an integer from 0 to 65535, got 'abc'. For example: PARLEY_HTTP_PORT=8080.")
    }

    @Test func flagErrorsNameTheFlag() throws {
        let report = ConfigurationLoader.check(yaml: nil, overrides: [("log.level", "loud"), ("http.prot", "1")])
        #expect(report.errors.count == 2)
        #expect(report.errors[0].source == .flag)
        #expect(report.errors[0].description.hasPrefix("log.level (flag): expected one of: trace, debug, info"))
        #expect(report.errors[1].description == "http.prot (flag): unknown configuration key 'http.prot'. Did you mean 'http.port'?")
        let lists = ConfigurationLoader.check(yaml: nil, overrides: [("nodes[0].site", "hq")])
        #expect(lists.errors.first?.fix == "sites, nodes and directors can only be set in the configuration file.")
    }

    @Test func unknownParleyVariablesAreWarningsNotErrors() throws {
        let env = [
            "PARLEY_CONFIG": "/etc/parley/parley.yaml",
            "PARLEY_TOKEN": "t0ken",
            "PARLEY_SERVER": "https://meet.example.com",
            "PARLEY_HTTP_PROT": "8081",
            "PARLEY_LICENSE_AUDIT_WINDOW_DAYS": "10",
            "PARLEY_NODES": "a,b",
            "HOME": "/root",
        ]
        let report = ConfigurationLoader.check(yaml: nil, environment: env)
        #expect(report.errors.isEmpty)
        #expect(report.configuration == ParleyConfiguration())
        let warnings = report.warnings.map(\.description)
        #expect(warnings.count == 3, "\(warnings)")
        #expect(warnings.contains("PARLEY_HTTP_PROT: warning: not a configuration variable; it is ignored. Did you mean PARLEY_HTTP_PORT?"))
        #expect(warnings.contains { $0.contains("Did you mean PARLEY_LICENCE_AUDIT_WINDOW_DAYS?") })
        #expect(warnings.contains { $0.hasPrefix("PARLEY_NODES:") && $0.contains("configuration file") })
    }

    @Test func warningsTravelWithErrors() throws {
        let result = ConfigurationLoader.load(
            yaml: "http:\n  port: 70000\n", sourceName: "p.yaml", environment: ["PARLEY_HTTP_PROT": "1"])
        guard case .failure(let errors) = result else {
            Issue.record("expected errors")
            return
        }
        #expect(errors.issues.count == 1)
        #expect(errors.warnings.count == 1)
        #expect(errors.description.split(separator: "\n").count == 2)
        #expect(errors.parleyError.kind == .configuration)
    }
}
