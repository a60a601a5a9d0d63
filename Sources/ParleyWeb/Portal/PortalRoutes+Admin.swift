import Hummingbird
import ParleyDirector
import ParleyModel

/// Administrators' pages (everyone else gets a 403 page from ``PortalMiddleware``).
///
/// | route | does |
/// |---|---|
/// | `GET /admin` | overview: counts and links |
/// | `GET /admin/live` | meetings in progress with their rosters |
/// | `GET /admin/nodes` | conferencing nodes, capacity, what runs on this one now |
/// | `GET /admin/alarms` | active and cleared alarms |
/// | `GET /admin/licences` | installed host licences and the audit |
/// | `GET /admin/ports` | `parley ports` for this host: incoming and outgoing |
extension PortalRoutes {
    func registerAdmin(_ group: RouterGroup<APIContext>) {
        group.get { request, context in try await adminOverview(request, context) }
        group.get("live") { request, context in try await adminLive(request, context) }
        group.get("nodes") { request, context in try await adminNodes(request, context) }
        group.get("alarms") { request, context in try await adminAlarms(request, context) }
        group.get("licences") { request, context in try await adminLicences(request, context) }
        group.get("ports") { request, context in try adminPorts(request, context) }
    }

    /// Running meetings and their rosters (nil roster: not live on this process's node).
    func liveMeetings(_ principal: Principal) async throws -> [(MeetingView, LiveRoster?)] {
        let running = try await director.meetings(MeetingQuery(states: [.inProgress], limit: 500), by: principal)
        var out: [(MeetingView, LiveRoster?)] = []
        for view in running.items {
            out.append((view, await deps.live.roster(meeting: view.meeting.id)))
        }
        return out
    }

    func adminOverview(_ request: Request, _ context: APIContext) async throws -> Response {
        let session = try session(request, context)
        let live = try await liveMeetings(session.principal)
        let alarms = try await director.alarms(includeCleared: false, by: session.principal)
        let licences = try await director.licenceStatus(by: session.principal)
        let page: [String: any Sendable] = [
            "liveMeetings": live.count, "liveParticipants": live.reduce(0) { $0 + ($1.1?.participants.count ?? 0) },
            "activeAlarms": alarms.count, "hasAlarms": !alarms.isEmpty,
            "installedHosts": licences.installedHosts, "activeHosts": licences.activeHosts, "exceeded": licences.exceeded,
            "singleMeetingMode": licences.singleMeetingMode, "nodes": deps.portal.nodes.count,
        ]
        return pages.page("admin", title: "Administration", context: page, session: session.page, scripts: ["portal.js"])
    }

    func adminLive(_ request: Request, _ context: APIContext) async throws -> Response {
        let session = try session(request, context)
        let live = try await liveMeetings(session.principal)
        let meetings: [[String: any Sendable]] = live.map { view, roster in
            let participants: [[String: any Sendable]] = (roster?.participants ?? []).map { p in
                var row: [String: any Sendable] = [
                    "name": p.displayName, "uri": p.uri, "isHost": p.isHost, "isMuted": p.isMuted, "isTalking": p.isTalking,
                    "isWaiting": p.isWaiting, "codec": p.codec, "joinedISO": p.joinedAt.rfc3339, "joinedText": PortalTime.display(p.joinedAt),
                ]
                if let media = p.media {
                    row["loss"] = Self.oneDecimal(media.lossPercent) + " %"
                    row["jitter"] = Self.oneDecimal(media.jitterMilliseconds) + " ms"
                } else {
                    row["loss"] = "–"
                    row["jitter"] = "–"
                }
                return row
            }
            return [
                "recordID": view.meeting.id.rawValue, "meetingID": view.meeting.meetingID.digits, "title": view.meeting.title,
                "hostLogin": view.hostLogin, "isLocal": roster != nil, "isLocked": roster?.isLocked ?? false,
                "participants": participants, "hasParticipants": !participants.isEmpty,
                "countText": participants.count == 1 ? "1 participant" : "\(participants.count) participants",
            ]
        }
        return pages.page(
            "admin-live", title: "Live meetings", context: ["meetings": meetings, "hasMeetings": !meetings.isEmpty], session: session.page, scripts: ["portal.js"])
    }

    func adminNodes(_ request: Request, _ context: APIContext) async throws -> Response {
        let session = try session(request, context)
        let live = try await liveMeetings(session.principal).filter { $0.1 != nil }
        let participants = live.reduce(0) { $0 + ($1.1?.participants.count ?? 0) }
        let nodes: [[String: any Sendable]] = deps.portal.nodes.map { node in
            var row: [String: any Sendable] = [
                "name": node.name, "site": node.site, "address": node.address, "sipPorts": node.sipPorts, "mediaPorts": node.mediaPorts,
                "capacity": node.capacity, "isLocal": node.isLocal,
            ]
            if node.isLocal {
                row["meetings"] = live.count
                row["participants"] = participants
                row["load"] = node.capacity > 0 ? "\(participants * 100 / node.capacity) %" : "–"
            } else {
                row["meetings"] = "–"
                row["participants"] = "–"
                row["load"] = "–"
            }
            return row
        }
        return pages.page("admin-nodes", title: "Nodes and capacity", context: ["nodes": nodes, "hasNodes": !nodes.isEmpty], session: session.page, scripts: ["portal.js"])
    }

    func adminAlarms(_ request: Request, _ context: APIContext) async throws -> Response {
        let session = try session(request, context)
        let alarms = try await director.alarms(includeCleared: true, by: session.principal)
        let rows: [[String: any Sendable]] = alarms.map { alarm in
            var row: [String: any Sendable] = [
                "code": alarm.code, "severity": alarm.severity.rawValue, "message": alarm.message, "isActive": alarm.isActive,
                "raisedISO": alarm.raisedAt.rfc3339, "raisedText": PortalTime.display(alarm.raisedAt),
            ]
            if let cleared = alarm.clearedAt {
                row["clearedISO"] = cleared.rfc3339
                row["clearedText"] = PortalTime.display(cleared)
            }
            return row
        }
        return pages.page("admin-alarms", title: "Alarms", context: ["alarms": rows, "hasAlarms": !rows.isEmpty], session: session.page, scripts: ["portal.js"])
    }

    func adminLicences(_ request: Request, _ context: APIContext) async throws -> Response {
        let session = try session(request, context)
        let status = try await director.licenceStatus(by: session.principal)
        let grants: [[String: any Sendable]] = status.grants.map { grant in
            ["hosts": grant.hosts, "note": grant.note, "addedISO": grant.addedAt.rfc3339, "addedText": PortalTime.display(grant.addedAt)]
        }
        let page: [String: any Sendable] = [
            "installedHosts": status.installedHosts, "activeHosts": status.activeHosts, "windowDays": status.auditWindowDays,
            "exceeded": status.exceeded, "singleMeetingMode": status.singleMeetingMode, "checkedText": PortalTime.display(status.checkedAt),
            "grants": grants, "hasGrants": !grants.isEmpty,
        ]
        return pages.page("admin-licences", title: "Licences", context: page, session: session.page, scripts: ["portal.js"])
    }

    func adminPorts(_ request: Request, _ context: APIContext) throws -> Response {
        let session = try session(request, context)
        let ports = deps.portal.ports
        func rows(_ cells: [[String]]) -> [[String: any Sendable]] {
            cells.map { row in
                ["first": row.first ?? "", "rest": Array(row.dropFirst())] as [String: any Sendable]
            }
        }
        let page: [String: any Sendable] = [
            "title": ports.title, "headers": ports.headers.map { ["name": $0] }, "hasHeaders": !ports.headers.isEmpty,
            "incoming": rows(ports.incoming), "outgoing": rows(ports.outgoing),
            "hasIncoming": !ports.incoming.isEmpty, "hasOutgoing": !ports.outgoing.isEmpty,
        ]
        return pages.page("admin-ports", title: "Ports", context: page, session: session.page, scripts: ["portal.js"])
    }

    static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(abs(tenths % 10))"
    }
}
