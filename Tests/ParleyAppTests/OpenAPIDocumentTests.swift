import Foundation
import ParleyModel
import Testing

@testable import ParleyDirector
@testable import ParleyWeb

/// docs/openapi.yaml against the code: the same routes as WebRouter.apiRoutes, and schemas
/// whose properties are exactly the keys the DTOs encode.
@Suite("OpenAPI document", .timeLimit(.minutes(1)))
struct OpenAPIDocumentTests {
    let spec: OpenAPISpec

    init() throws {
        spec = try OpenAPISpec.load()
    }

    @Test func isOpenAPI31() {
        #expect(spec.root["openapi"]?.string?.hasPrefix("3.1") == true)
        #expect(spec.root["info"]?["title"]?.string != nil)
        #expect(spec.root["info"]?["version"]?.string != nil)
    }

    @Test func apiOperationsAreExactlyTheRouterRoutes() {
        let documented = spec.operationKeys.filter { $0.split(separator: " ")[1].hasPrefix("/api/v1/") }
        let routed = Set(WebRouter.apiRoutes)
        #expect(routed.count == WebRouter.apiRoutes.count, "WebRouter.apiRoutes has duplicates")
        #expect(documented.subtracting(routed).isEmpty, "documented but not routed: \(documented.subtracting(routed).sorted())")
        #expect(routed.subtracting(documented).isEmpty, "routed but not documented: \(routed.subtracting(documented).sorted())")
    }

    @Test func healthAndMetricsAreDocumentedWithoutAuthentication() {
        for route in ["GET /healthz", "GET /readyz", "GET /metrics"] {
            let operation = spec.operation(route)
            #expect(operation != nil, "\(route) is missing")
            #expect(operation?["security"] == .array([]), "\(route) should not need a token")
            #expect(spec.response(route, status: 200) != nil)
        }
        #expect(spec.operationKeys.count == WebRouter.apiRoutes.count + 3)
    }

    @Test func bearerSecurityIsRequiredByDefault() {
        let scheme = spec.root["components"]?["securitySchemes"]?["bearerAuth"]
        #expect(scheme?["type"]?.string == "http")
        #expect(scheme?["scheme"]?.string == "bearer")
        #expect(spec.root["security"] == .array([.object(["bearerAuth": .array([])])]))
    }

    @Test func everyReferenceResolves() {
        let references = spec.allReferences
        #expect(!references.isEmpty)
        for ref in Set(references) {
            #expect(spec.lookup(ref) != nil, "\(ref) does not resolve")
        }
    }

    @Test func everyAPIOperationDocumentsItsProblems() {
        for route in WebRouter.apiRoutes {
            guard let operation = spec.operation(route) else { continue }
            #expect(operation["operationId"]?.string != nil, "\(route) has no operationId")
            #expect(operation["security"] == nil, "\(route) must use the default bearer security")
            let responses = operation["responses"]?.object ?? [:]
            #expect(responses.keys.contains { $0.hasPrefix("2") }, "\(route) documents no success")
            #expect(responses["401"] != nil, "\(route) does not document 401")
            for (status, response) in responses where status.hasPrefix("4") {
                let resolved = spec.resolve(response)
                let schema = resolved["content"]?["application/problem+json"]?["schema"]
                #expect(schema.map(spec.resolve) == spec.schema(named: "Problem"), "\(route) \(status) is not a problem document")
            }
            let unauthorized = responses["401"].map(spec.resolve)
            #expect(unauthorized?["headers"]?["WWW-Authenticate"] != nil, "\(route) 401 does not document WWW-Authenticate")
        }
        // Between them, the operations document every problem status the API answers.
        let statuses = Set(WebRouter.apiRoutes.flatMap { spec.operation($0)?["responses"]?.keys ?? [] })
        #expect(statuses.isSuperset(of: ["400", "401", "403", "404", "409", "422"]))
    }

    @Test func pathParametersAreDeclared() {
        for route in spec.operationKeys {
            let path = route.split(separator: " ")[1]
            let placeholders = Set(path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) })
            let declared = Set(spec.parameters(route).filter { $0["in"]?.string == "path" }.compactMap { $0["name"]?.string })
            #expect(placeholders == declared, "\(route): path parameters \(declared.sorted()) should be \(placeholders.sorted())")
            for parameter in spec.parameters(route) where parameter["in"]?.string == "path" {
                #expect(parameter["required"]?.bool == true, "\(route) path parameter must be required")
            }
        }
    }

    @Test func requestBodiesRejectUnknownFields() {
        var bodies = 0
        for route in WebRouter.apiRoutes {
            guard let body = spec.operation(route)?["requestBody"] else { continue }
            bodies += 1
            guard let schema = spec.resolve(body)["content"]?["application/json"]?["schema"].map(spec.resolve) else {
                Issue.record("\(route) request body has no application/json schema")
                continue
            }
            #expect(schema["type"]?.string == "object", "\(route)")
            #expect(schema["additionalProperties"]?.bool == false, "\(route) request body must set additionalProperties: false")
            for (name, property) in schema["properties"]?.object ?? [:] {
                #expect(spec.resolve(property)["type"] != nil, "\(route) field \(name) has no type")
            }
        }
        // POST users, PATCH users, tokens, groups, POST and PATCH meetings, licences.
        #expect(bodies == 7)
    }

    @Test func describesTheMeetingAndLicenceRules() {
        let text = spec.root["info"]?["description"]?.string ?? ""
        for phrase in [
            "2 minutes to 24 hours", "more than 5 minutes in the past", "meeting.host_overlap", "meeting.id_in_use",
            "profile number", "licence.single_meeting", "licence.hosts_exceeded", "parley license add",
        ] {
            #expect(text.contains(phrase), "the description does not mention \(phrase)")
        }
    }

    // MARK: DTOs

    static let at = Timestamp(secondsSinceEpoch: 1_800_000_000)

    /// Each DTO in two forms: every optional set, and every optional nil.
    static func samples() -> [(schema: String, full: any Encodable, bare: any Encodable)] {
        let user = User(
            id: RecordID(rawValue: "usr_00000000000000000001"), login: "ada", displayName: "Ada", email: "ada@example.com",
            profileNumber: "4242", pinHash: "x", passwordHash: "y", role: .host, groupName: "eng", createdAt: at)
        let bareUser = User(id: user.id, login: "ada", displayName: "Ada", role: .host, createdAt: at)
        let meeting = Meeting(
            id: RecordID(rawValue: "mtg_00000000000000000001"), meetingID: MeetingID("123456")!, title: "Standup", hostID: user.id,
            schedule: .scheduled(start: at, end: at + .seconds(1800)), passwordHash: "x", hostPINHash: "y", expectedParticipants: 5,
            preferredSite: "hq", state: .ended, createdBy: user.id, createdAt: at, startedAt: at, endedAt: at + .seconds(60))
        let bareMeeting = Meeting(
            id: meeting.id, meetingID: meeting.meetingID, title: "Room", hostID: user.id, schedule: .reservationless,
            expectedParticipants: 10, createdBy: user.id, createdAt: at)
        let record = AttendanceRecord(
            id: RecordID(rawValue: "att_00000000000000000001"), meetingRecordID: meeting.id, participantURI: "sip:ada@example.com",
            displayName: "Ada", joinedAt: at, leftAt: at + .seconds(60), codec: "PCMU",
            statistics: #"{"jitterMilliseconds":1.25,"levelDBov":-30,"packetsLost":1,"packetsReceived":2999,"packetsSent":3000,"roundTripMilliseconds":0.5}"#)
        let bareRecord = AttendanceRecord(
            id: record.id, meetingRecordID: meeting.id, participantURI: "web:ada", displayName: "Ada", joinedAt: at)
        let chat = ChatMessageDTO(
            ChatMessage(
                id: RecordID(rawValue: "cht_00000000000000000001"), meetingRecordID: meeting.id, participant: "prt_0123456789abcdef",
                displayName: "Ada", text: "Hello\nall", sentAt: at))
        let alarm = Alarm(
            id: RecordID(rawValue: "alm_00000000000000000001"), code: "licence.hosts_exceeded", severity: .error, message: "m", raisedAt: at,
            clearedAt: at)
        let bareAlarm = Alarm(id: alarm.id, code: alarm.code, severity: .warning, message: "m", raisedAt: at)
        let grant = LicenceGrant(id: RecordID(rawValue: "lic_00000000000000000001"), hosts: 5, note: "PO-1", addedAt: at)
        let status = LicenceStatusDTO(
            LicenceStatus(
                installedHosts: 5, activeHosts: 2, auditWindowDays: 30, exceeded: false, singleMeetingMode: false, grants: [grant], checkedAt: at))
        let group = GroupDTO(UserGroup(id: RecordID(rawValue: "grp_00000000000000000001"), name: "eng", description: "Engineering", createdAt: at))
        let problem = Problem(ParleyError(.invalid, code: "meeting.too_short", message: "m", field: "end", fix: "f"))
        var fullProblem = problem
        fullProblem.instance = "/api/v1/meetings"
        let bareProblem = Problem(ParleyError(.notFound, code: "meeting.not_found", message: "m"))
        let grantDTO = status.grants[0]
        let token = TokenDTO(token: "prl_" + String(repeating: "0", count: 64), user: "ada")
        let stats = CallStatistics(
            packetsReceived: 2999, packetsLost: 1, packetsSent: 3000, jitterMilliseconds: 1.25, roundTripMilliseconds: 0.5, levelDBov: -30)
        let participant = LiveParticipant(
            id: "prt_0123456789abcdef", displayName: "Ada", uri: "sip:ada@example.com", isHost: true, isMuted: false, isTalking: true,
            isWaiting: false, codec: "G722", joinedAt: at, media: stats)
        var bareParticipant = participant
        bareParticipant.media = nil
        var bareStats = stats
        bareStats.roundTripMilliseconds = nil
        let roster = RosterDTO(meeting, LiveRoster(meeting: meeting.id, isLocked: true, participants: [participant, bareParticipant]))
        return [
            ("CallStatistics", CallStatisticsDTO(stats), CallStatisticsDTO(bareStats)),
            ("Participant", ParticipantDTO(participant), ParticipantDTO(bareParticipant)),
            ("Roster", roster, RosterDTO(meeting, nil)),
            ("User", UserDTO(user), UserDTO(bareUser)),
            ("Group", group, group),
            ("Meeting", MeetingDTO(MeetingView(meeting: meeting, hostLogin: "ada")), MeetingDTO(MeetingView(meeting: bareMeeting, hostLogin: "ada"))),
            ("Attendance", AttendanceDTO(record), AttendanceDTO(bareRecord)),
            ("Alarm", AlarmDTO(alarm), AlarmDTO(bareAlarm)),
            ("LicenceGrant", grantDTO, grantDTO),
            ("LicenceStatus", status, status),
            ("Token", token, token),
            ("Problem", fullProblem, bareProblem),
            ("UserPage", Page(items: [UserDTO(user)], total: 1, limit: 50, offset: 0), Page<UserDTO>(items: [], total: 0, limit: 50, offset: 0)),
            (
                "MeetingPage", Page(items: [MeetingDTO(MeetingView(meeting: meeting, hostLogin: "ada"))], total: 1, limit: 50, offset: 0),
                Page<MeetingDTO>(items: [], total: 0, limit: 1, offset: 0)
            ),
            ("GroupList", ItemsDTO(items: [group]), ItemsDTO<GroupDTO>(items: [])),
            ("AlarmList", ItemsDTO(items: [AlarmDTO(alarm)]), ItemsDTO<AlarmDTO>(items: [])),
            ("AttendanceList", ItemsDTO(items: [AttendanceDTO(record)]), ItemsDTO<AttendanceDTO>(items: [])),
            ("ChatMessage", chat, chat),
            ("ChatMessageList", ItemsDTO(items: [chat]), ItemsDTO<ChatMessageDTO>(items: [])),
        ]
    }

    static func encode(_ value: any Encodable) throws -> TestJSON {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try TestJSON.parse(Array(try encoder.encode(value)))
    }

    @Test func schemaPropertiesAreTheKeysEachDTOEncodes() throws {
        for sample in Self.samples() {
            let schema = try #require(spec.schema(named: sample.schema), "no schema \(sample.schema)")
            let properties = schema["properties"]?.keys ?? []
            let required = Set(schema["required"]?.array?.compactMap(\.string) ?? [])
            let full = try Self.encode(sample.full)
            let bare = try Self.encode(sample.bare)
            // Every stored property of the DTO, set or not.
            let stored = Set(Mirror(reflecting: sample.full).children.compactMap(\.label))

            #expect(full.keys == properties, "\(sample.schema): encoded \(full.keys.sorted()), documented \(properties.sorted())")
            #expect(stored == properties, "\(sample.schema): stored \(stored.sorted()), documented \(properties.sorted())")
            // Optional fields are left out when nil, so the required ones are what is always there.
            #expect(bare.keys == required, "\(sample.schema): always encoded \(bare.keys.sorted()), required \(required.sorted())")
            #expect(schema["additionalProperties"]?.bool == false, "\(sample.schema) should set additionalProperties: false")
            #expect(spec.violations(of: full, against: schema).isEmpty, "\(sample.schema): \(spec.violations(of: full, against: schema))")
            #expect(spec.violations(of: bare, against: schema).isEmpty, "\(sample.schema): \(spec.violations(of: bare, against: schema))")
        }
    }

    @Test func everyResponseSchemaIsADocumentedDTO() {
        // The JSON bodies of /api/v1 are the DTOs above (or a problem), so nothing is documented
        // that the tests above do not tie to code.
        let known = Set(Self.samples().map(\.schema))
        for route in WebRouter.apiRoutes {
            for (status, response) in spec.operation(route)?["responses"]?.object ?? [:] {
                let content = spec.resolve(response)["content"]?.object ?? [:]
                for (_, media) in content {
                    guard let ref = media["schema"]?["$ref"]?.string else {
                        Issue.record("\(route) \(status): the schema should be a $ref to a named schema")
                        continue
                    }
                    let name = String(ref.split(separator: "/").last ?? "")
                    #expect(known.contains(name), "\(route) \(status) answers \(name), which no DTO test covers")
                }
            }
        }
    }

    @Test func validatorCatchesDrift() throws {
        // The validator itself: a wrong type, a missing and an extra property are all caught.
        let schema = try #require(spec.schema(named: "Token"))
        #expect(spec.violations(of: .object(["token": .int(1), "user": .string("a")]), against: schema).count == 1)
        #expect(spec.violations(of: .object(["token": .string("prl_" + String(repeating: "a", count: 64))]), against: schema).count == 1)
        #expect(
            spec.violations(
                of: .object(["token": .string("prl_" + String(repeating: "a", count: 64)), "user": .string("a"), "x": .null]), against: schema
            )
            .count == 1)
        #expect(spec.violations(of: .object(["token": .string("nope"), "user": .string("a")]), against: schema).count == 1)
    }
}
