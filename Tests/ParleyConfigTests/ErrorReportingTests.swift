import ParleyConfig
import ParleyModel
import Testing

@Suite("Errors: all at once, with key paths, lines and fixes")
struct ErrorReportingTests {
    static func errors(_ yaml: String, source: String? = "parley.yaml") -> [ConfigurationIssue] {
        ConfigurationLoader.check(yaml: yaml, sourceName: source).errors
    }

    static func issue(_ issues: [ConfigurationIssue], _ keyPath: String) -> ConfigurationIssue? {
        issues.first { $0.keyPath == keyPath }
    }

    @Test func everyErrorIsReportedInOnePass() throws {
        let yaml = """
            http:
              port: abc
              prot: 80
            https:
              certificate: cert.pem
            meetings:
              id_digits: 12
            log:
              level: loud
            licence:
              audit_window_days: 0
            sites:
              - name: hq
              - name: apac
            nodes:
              - name: node-1
                site: hq
                address: 10.0.0.1
              - name: node-2
                site: apac
                address: 10.0.0.2
              - name: node-3
                site: emea
                address: 10.0.0.3
            colour: blue
            """
        let report = ConfigurationLoader.check(yaml: yaml, sourceName: "parley.yaml")
        #expect(report.configuration == nil)
        let lines = report.errors.map(\.description)
        #expect(
            lines == [
                "parley.yaml:2: http.port: expected an integer from 0 to 65535, got 'abc'. For example: port: 8080.",
                "parley.yaml:3: http.prot: unknown key 'prot'. Did you mean 'port'?",
                "parley.yaml:7: meetings.id_digits: expected an integer from 4 to 10, got '12'. For example: id_digits: 6.",
                "parley.yaml:9: log.level: expected one of: trace, debug, info, notice, warning, error, critical, got 'loud'. For example: level: info.",
                "parley.yaml:11: licence.audit_window_days: expected an integer from 1 to 365, got '0'. For example: audit_window_days: 30.",
                "parley.yaml:25: colour: unknown key 'colour'. Remove it. Known keys here: data_dir, roles, system, log, http, https, database, sip, media, dscp, nettest, clients, ivr, meetings, licence, sites, nodes, directors.",
                "parley.yaml:5: https.certificate: a certificate is set but https.private_key is not. Set https.private_key to the PEM file of the certificate's key, or remove https.certificate to serve HTTP only.",
                "parley.yaml:23: nodes[2].site: site 'emea' is not declared in sites. Add it under sites: or use one of: hq, apac.",
            ], "\(lines.joined(separator: "\n"))")
        let site = try #require(Self.issue(report.errors, "nodes[2].site"))
        #expect(site.line == 23)
        #expect(site.message == "site 'emea' is not declared in sites.")
        #expect(site.fix == "Add it under sites: or use one of: hq, apac.")
        #expect(report.description == lines.joined(separator: "\n"))
    }

    @Test(arguments: [
        ("http:\n  port: 70000\n", "http.port", "expected an integer from 0 to 65535, got '70000'."),
        ("http:\n  port: 80.5\n", "http.port", "expected an integer from 0 to 65535, got '80.5'."),
        ("http:\n  port: [1, 2]\n", "http.port", "expected an integer from 0 to 65535, got a list."),
        ("http: 8080\n", "http", "expected a mapping with the keys address, port, public_url, got '8080'."),
        ("http:\n  address: 300.1.1.1\n", "http.address", "expected an IP address or host name, such as 0.0.0.0 or ::, got '300.1.1.1'."),
        ("http:\n  public_url: meet.example.com\n", "http.public_url", "expected an http:// or https:// URL, such as https://meet.example.com, got 'meet.example.com'."),
        ("roles: [web, pbx]\n", "roles", "expected a list of roles from: director, node, web, got 'pbx'."),
        ("roles: [web, web]\n", "roles", "role 'web' is listed twice."),
        ("roles: []\n", "roles", "expected a list of roles from: director, node, web, got an empty list."),
        ("database:\n  driver: mysql\n", "database.driver", "expected one of: sqlite, postgres, got 'mysql'."),
        ("database:\n  postgres:\n    password: {a: 1}\n", "database.postgres.password", "expected a non-empty string, got a mapping."),
        ("meetings:\n  default_duration_minutes: 1\n", "meetings.default_duration_minutes", "expected an integer from 2 to 1440, got '1'."),
        ("licence:\n  audit_interval_seconds: 5\n", "licence.audit_interval_seconds", "expected an integer from 10 to 86400, got '5'."),
        ("sites: hq\n", "sites", "expected a list of entries (each a mapping with name, description), got 'hq'."),
        ("sites:\n  - hq\n", "sites[0]", "expected a mapping with the keys name, description, got 'hq'."),
        ("sites:\n  - name: Head Office\n", "sites[0].name", "expected a name of 1 to 32 lower-case letters, digits or '-', got 'Head Office'."),
    ])
    func wrongTypesAndRanges(yaml: String, keyPath: String, message: String) throws {
        let errors = Self.errors(yaml)
        #expect(errors.count == 1, "\(errors)")
        let issue = try #require(errors.first)
        #expect(issue.keyPath == keyPath)
        #expect(issue.message == message)
        #expect(issue.line != nil)
    }

    @Test(arguments: [
        ("htpp:\n  port: 1\n", "htpp", "Did you mean 'http'?"),
        ("license:\n  audit_window_days: 3\n", "license", "Did you mean 'licence'?"),
        ("database:\n  postgress:\n    host: x\n", "database.postgress", "Did you mean 'postgres'?"),
        ("database:\n  postgres:\n    passwordfile: x\n", "database.postgres.passwordfile", "Did you mean 'password_file'?"),
        ("port: 8080\n", "port", "Did you mean 'http.port'? It belongs under http:."),
        ("nodes:\n  - name: a\n    sit: hq\n", "nodes[0].sit", "Did you mean 'site'?"),
    ])
    func unknownKeysSuggestTheClosestKey(yaml: String, keyPath: String, fix: String) throws {
        let issue = try #require(Self.issue(Self.errors(yaml), keyPath))
        #expect(issue.message.hasPrefix("unknown key"))
        #expect(issue.fix == fix)
    }

    @Test func invalidYAMLReportsItsLine() throws {
        let yaml = "http:\n  port: 8080\n  address: [0.0.0.0\nlog:\n  level: info\n"
        let errors = Self.errors(yaml)
        #expect(errors.count == 1)
        let issue = try #require(errors.first)
        #expect(issue.keyPath == "")
        #expect(issue.line != nil)
        #expect(issue.message.hasPrefix("the file is not valid YAML"))
        #expect(issue.description.hasPrefix("parley.yaml:\(issue.line!): the file is not valid YAML"))

        let tabs = Self.errors("http:\n\tport: 8080\n")
        #expect(tabs.first?.line == 2, "\(tabs)")

        let duplicate = Self.errors("http:\n  port: 1\n  port: 2\n")
        #expect(duplicate.first?.message == "the key 'port' appears more than once in the same mapping.")
        #expect(duplicate.first?.line == 2)
    }

    @Test func theFileMustBeAMapping() {
        let errors = Self.errors("- a\n- b\n")
        #expect(errors.map(\.message) == ["the file must be a mapping of keys such as http: and database:, but it is a list."])
    }

    @Test func certificateAndKeyGoTogether() throws {
        let keyOnly = Self.errors("https:\n  private_key: key.pem\n")
        #expect(keyOnly.map(\.keyPath) == ["https.private_key"])
        #expect(keyOnly.first?.line == 2)
        let certOnly = ConfigurationLoader.check(yaml: nil, environment: ["PARLEY_HTTPS_CERTIFICATE": "/c.pem"]).errors
        #expect(certOnly.map(\.description).first?.hasPrefix("PARLEY_HTTPS_CERTIFICATE: a certificate is set") == true)
    }

    @Test func passwordAndPasswordFileAreExclusive() throws {
        let yaml = "database:\n  postgres:\n    password: pw\n    password_file: /run/secret\n"
        let errors = Self.errors(yaml)
        #expect(errors.map(\.keyPath) == ["database.postgres.password_file"])
        #expect(!errors.map(\.description).joined().contains("pw "))
    }

    @Test func mediaRangeRules() {
        #expect(Self.errors("media:\n  port_range:\n    first: 20000\n").map(\.keyPath) == ["media.port_range.first"])
        #expect(Self.errors("media:\n  port_range:\n    last: 20000\n").map(\.keyPath) == ["media.port_range.last"])
        #expect(
            Self.errors("media:\n  port_range:\n    first: 20000\n    last: 20000\n").map(\.keyPath) == ["media.port_range.last"])
        #expect(
            Self.errors("media:\n  port: 20010\n  port_range:\n    first: 20000\n    last: 20100\n").map(\.keyPath) == ["media.port"])
        let odd = ConfigurationLoader.check(yaml: "media:\n  port_range:\n    first: 20001\n    last: 20100\n")
        #expect(odd.errors.isEmpty)
        #expect(odd.warnings.map(\.keyPath) == ["media.port_range.first"])
        #expect(odd.warnings.first?.description.contains(": warning: ") == true)
    }

    @Test func sipTCPAndTLSNeedDifferentPorts() {
        #expect(Self.errors("sip:\n  tls_port: 5060\n").map(\.keyPath) == ["sip.tls_port"])
        #expect(Self.errors("sip:\n  udp_port: 5070\n  tcp_port: 5070\n").isEmpty)
    }

    @Test func perCallPorts() throws {
        let on = try ConfigurationLoader.load(yaml: "media:\n  per_call_ports: true\n", overrides: []).get()
        #expect(on.media.extraPorts == PortRange(first: 16_384, last: 32_767))
        #expect(on.listenerTable.listener(named: "node.media.range")?.ports == PortRange(first: 16_384, last: 32_767))
        #expect(ConfigurationLoader.load(yaml: nil, overrides: []).map { $0.listenerTable.listener(named: "node.media.range") } == .success(nil))
        #expect(Self.errors("media:\n  per_call_ports: true\n  port: 20000\n").map(\.keyPath) == ["media.port"])
        #expect(Self.errors("media:\n  port_range:\n    first: 30000\n    last: 30099\n  port: 5004\n").isEmpty)
    }

    @Test func sessionTimerFloor() {
        #expect(Self.errors("sip:\n  session_expires_seconds: 60\n").map(\.keyPath) == ["sip.session_expires_seconds"])
        #expect(Self.errors("sip:\n  session_expires_seconds: 0\n").isEmpty)
        #expect(Self.errors("sip:\n  session_expires_seconds: 90\n").isEmpty)
    }

    @Test func ivrAccessNumbersAndKeys() {
        #expect(Self.errors("ivr:\n  access_numbers: conf, 8000 ,+4930123\n").isEmpty)
        let bad = Self.errors("ivr:\n  access_numbers: conf,<script>\n")
        #expect(bad.map(\.keyPath) == ["ivr.access_numbers"])
        #expect(bad.first?.description.contains("1 to 32 letters") == true)
        #expect(Self.errors("ivr:\n  access_numbers: ' , '\n").map(\.keyPath) == ["ivr.access_numbers"])
        #expect(Self.errors("ivr:\n  keys:\n    toggle_mute: '6'\n").map(\.keyPath) == ["ivr.keys.toggle_mute"])
        #expect(Self.errors("ivr:\n  keys:\n    toggle_mute: '*12345'\n").map(\.keyPath) == ["ivr.keys.toggle_mute"])
        // *5 (mute all) would begin *56, so one of them could never be dialled.
        let clash = Self.errors("ivr:\n  keys:\n    toggle_mute: '*56'\n")
        #expect(clash.map(\.keyPath) == ["ivr.keys.mute_all"])
        #expect(clash.first?.description.contains("ivr.keys.toggle_mute (*56)") == true)
        #expect(Self.errors("ivr:\n  keys:\n    toggle_mute: '#21'\n").map(\.keyPath) == ["ivr.keys.toggle_mute"])
        #expect(Self.errors("ivr:\n  entry_tones: maybe\n").map(\.keyPath) == ["ivr.entry_tones"])
        let loaded = try? ConfigurationLoader.load(yaml: "ivr:\n  entry_tones: false\nmeetings:\n  wait_for_host: false\n", overrides: []).get()
        #expect(loaded?.ivr.entryTones == false && loaded?.meetings.waitForHost == false)
    }

    // MARK: - Cluster rules

    static func cluster(sites: [String], nodes: [(String, String)], directors: Int = 0) -> String {
        var yaml = "database:\n  driver: postgres\nsites:\n"
        for site in sites { yaml += "  - name: \(site)\n" }
        yaml += "nodes:\n"
        for (index, node) in nodes.enumerated() {
            yaml += "  - name: \(node.0)\n    site: \(node.1)\n    address: 10.0.0.\(index + 1)\n"
        }
        if directors > 0 {
            yaml += "directors:\n"
            for index in 0..<directors { yaml += "  - name: d\(index)\n    address: 10.0.9.\(index)\n" }
        }
        return yaml
    }

    @Test func atMostFourNodesPerSite() throws {
        let nodes = (1...6).map { ("node-\($0)", "hq") }
        let errors = Self.errors(Self.cluster(sites: ["hq"], nodes: nodes))
        #expect(errors.map(\.keyPath) == ["nodes[4].site", "nodes[5].site"])
        #expect(errors.first?.message == "site 'hq' already has 4 nodes; a site has at most 4.")
    }

    @Test func atMostSixteenNodesPerSystem() throws {
        let sites = (1...5).map { "s\($0)" }
        let nodes = (0..<17).map { ("node-\($0)", "s\($0 % 5 + 1)") }
        let errors = Self.errors(Self.cluster(sites: sites, nodes: nodes))
        #expect(errors.map(\.keyPath) == ["nodes"])
        #expect(errors.first?.message == "17 nodes are declared; a system has at most 16.")
        #expect(errors.first?.line == 9)
    }

    @Test func atMostTwoDirectors() {
        let errors = Self.errors(Self.cluster(sites: ["hq"], nodes: [("n", "hq")], directors: 3))
        #expect(errors.map(\.keyPath) == ["directors"])
        #expect(errors.first?.message == "3 directors are declared; a system has at most 2.")
    }

    @Test func namesAreUniqueAndRequired() {
        let yaml = """
            sites:
              - name: hq
              - name: hq
              - description: nameless
            nodes:
              - name: a
                site: hq
                address: 10.0.0.1
              - name: a
                site: hq
              - address: 10.0.0.3
            directors:
              - name: d1
              - name: d1
                address: 10.0.0.9
            """
        let errors = Self.errors(yaml)
        #expect(
            errors.map(\.keyPath) == [
                "sites[1].name", "sites[2].name", "nodes[1].name", "nodes[1].address", "nodes[2].name",
                "nodes[2].site", "directors[0].address", "directors[1].name",
            ], "\(errors.map(\.description).joined(separator: "\n"))")
        #expect(errors[0].message == "site 'hq' is declared twice (first as sites[0]).")
        #expect(errors[1].message == "a site needs a name.")
        #expect(errors[1].line == 4)
    }

    @Test func noSitesDeclared() throws {
        let errors = Self.errors("nodes:\n  - name: a\n    site: emea\n    address: 10.0.0.1\n")
        #expect(
            errors.map(\.description) == [
                "parley.yaml:3: nodes[0].site: site 'emea' is not declared in sites. Add it under sites: (no sites are declared yet)."
            ])
    }

    @Test func twoDirectorsOnSQLiteIsAWarning() {
        let yaml = "directors:\n  - name: a\n    address: 10.0.0.1\n  - name: b\n    address: 10.0.0.2\n"
        let report = ConfigurationLoader.check(yaml: yaml)
        #expect(report.errors.isEmpty)
        #expect(report.warnings.map(\.keyPath) == ["database.driver"])
    }

    @Test func descriptionWithoutFileName() {
        let errors = ConfigurationLoader.check(yaml: "http:\n  port: 70000\n").errors
        #expect(errors.first?.description.hasPrefix("configuration:2: http.port: ") == true)
    }
}

@Suite("Listening on port 0")
struct PortZeroTests {
    @Test("port 0 asks for a free port and never clashes")
    func portZeroIsAllowed() {
        let report = ConfigurationLoader.check(yaml: "http:\n  port: 0\nhttps:\n  port: 0\n")
        #expect(report.errors.isEmpty, "\(report.errors)")
    }
}
