import ParleyConfig
import ParleyModel
import Testing

@Suite("Parsing every section")
struct ParsingTests {
    static let full = """
        data_dir: /var/lib/parley
        roles: [web, director]
        system:
          name: acme-meet
        log:
          level: debug
          format: json
        http:
          address: 127.0.0.1
          port: 8081
          public_url: https://meet.example.com
        https:
          port: 9443
          certificate: tls/cert.pem
          private_key: /etc/parley/key.pem
        database:
          driver: postgres
          sqlite:
            path: other.sqlite
          postgres:
            host: db.example.com
            port: 6432
            user: meet
            password_file: pg-password
            database: meetings
            tls: require
        sip:
          address: "::"
          udp_port: 5070
          tcp_port: 5070
          tls_port: 5071
        media:
          address: 10.0.0.5
          port: 6000
          port_range:
            first: 20000
            last: 20999
        meetings:
          id_digits: 8
          default_duration_minutes: 90
        licence:
          audit_window_days: 7
          audit_interval_seconds: 60
        sites:
          - name: hq
            description: Head office
          - name: apac
        nodes:
          - name: node-1
            site: hq
            address: 10.0.1.21
          - name: node-2
            site: apac
            address: node-2.example.com
            capacity: 500
        directors:
          - name: director-1
            address: 10.0.1.11
          - name: director-2
            address: 10.0.1.12
        """

    @Test func everySectionIsParsed() throws {
        let report = ConfigurationLoader.check(yaml: Self.full, sourceName: "/etc/parley/parley.yaml")
        #expect(report.errors.isEmpty, "\(report)")
        #expect(report.warnings.isEmpty, "\(report)")
        let c = try #require(report.configuration)
        #expect(c.dataDirectory == "/var/lib/parley")
        #expect(c.roles == [.director, .web])
        #expect(c.system.name == "acme-meet")
        #expect(c.log.level == .debug && c.log.format == .json)
        #expect(c.http.address == "127.0.0.1" && c.http.port == 8081)
        #expect(c.http.publicURL == "https://meet.example.com")
        #expect(c.https.port == 9443)
        #expect(c.https.certificate == "/etc/parley/tls/cert.pem")
        #expect(c.https.privateKey == "/etc/parley/key.pem")
        #expect(c.https.isEnabled)
        #expect(c.database.driver == .postgres)
        #expect(c.database.sqlite.path == "other.sqlite")
        #expect(c.storePath == "/var/lib/parley/other.sqlite")
        let pg = c.database.postgres
        #expect(pg.host == "db.example.com" && pg.port == 6432 && pg.user == "meet")
        #expect(pg.password == nil && pg.passwordFile == "/etc/parley/pg-password")
        #expect(pg.database == "meetings" && pg.tls == .require)
        #expect(c.sip.address == "::" && c.sip.udpPort == 5070 && c.sip.tcpPort == 5070 && c.sip.tlsPort == 5071)
        #expect(c.media.address == "10.0.0.5" && c.media.port == 6000)
        #expect(c.media.extraPorts == PortRange(first: 20000, last: 20999))
        #expect(c.meetings.idDigits == 8 && c.meetings.defaultDurationMinutes == 90)
        #expect(c.licence.auditWindowDays == 7 && c.licence.auditIntervalSeconds == 60)
        #expect(c.sites == [.init(name: "hq", description: "Head office"), .init(name: "apac")])
        #expect(
            c.nodes == [
                .init(name: "node-1", site: "hq", address: "10.0.1.21", capacity: 1200),
                .init(name: "node-2", site: "apac", address: "node-2.example.com", capacity: 500),
            ])
        #expect(c.directors.map(\.name) == ["director-1", "director-2"])
    }

    @Test(arguments: [
        ("parley.yaml", "tls/cert.pem"),
        ("conf/parley.yaml", "conf/tls/cert.pem"),
        ("/etc/parley/parley.yaml", "/etc/parley/tls/cert.pem"),
        ("/parley.yaml", "/tls/cert.pem"),
    ])
    func relativeCertificatePathsFollowTheFile(source: String, expected: String) throws {
        let yaml = "https:\n  certificate: tls/cert.pem\n  private_key: /abs/key.pem\n"
        let c = try ConfigurationLoader.load(yaml: yaml, sourceName: source).get()
        #expect(c.https.certificate == expected)
        #expect(c.https.privateKey == "/abs/key.pem")
    }

    @Test func rolesAcceptAListOrCommaSeparatedText() throws {
        #expect(try ConfigurationLoader.load(yaml: "roles: node").get().roles == [.node])
        #expect(try ConfigurationLoader.load(yaml: "roles: web, director").get().roles == [.director, .web])
        #expect(try ConfigurationLoader.load(yaml: "roles:\n  - node\n  - web\n").get().roles == [.node, .web])
    }

    @Test func nullRestoresTheDefault() throws {
        let yaml = "http:\n  port: ~\n  public_url:\nlog:\n"
        let c = try ConfigurationLoader.load(yaml: yaml).get()
        #expect(c.http.port == 8080)
        #expect(c.http.publicURL == nil)
    }

    @Test func choicesAreCaseInsensitiveAndQuotedNumbersAreAccepted() throws {
        let c = try ConfigurationLoader.load(yaml: "log:\n  level: WARNING\nhttp:\n  port: \"9000\"\n").get()
        #expect(c.log.level == .warning)
        #expect(c.http.port == 9000)
    }

    @Test func postgresPasswordIsNotInTheDescription() throws {
        let c = try ConfigurationLoader.load(yaml: "database:\n  postgres:\n    password: s3cret\n").get()
        #expect(c.database.postgres.password == "s3cret")
        #expect(!c.database.postgres.description.contains("s3cret"))
    }

    @Test func overrideArgumentsSplitAtTheFirstEquals() {
        #expect(ConfigurationLoader.parseOverride("http.port=8081")! == ("http.port", "8081"))
        #expect(ConfigurationLoader.parseOverride("database.postgres.password=a=b")! == ("database.postgres.password", "a=b"))
        #expect(ConfigurationLoader.parseOverride("http.port") == nil)
        #expect(ConfigurationLoader.parseOverride("=1") == nil)
    }
}
