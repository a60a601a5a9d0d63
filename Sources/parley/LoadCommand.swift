import ArgumentParser
import Foundation
import NIOHTTP1
import ParleyApp
import ParleyLoad
import ParleyMediaServer
import ParleyRTP
import ParleyWeb

/// `parley load`: calls into a running node through its real SIP and media ports and
/// measures what every leg hears (README, "Load testing"; docs/performance.md).
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Place calls into meetings on a node and measure loss, jitter, gaps, latency and cost.",
        discussion: """
            Without --meetings it prepares the meetings through the API (--server, --token or
            $PARLEY_TOKEN with an admin token): one host user and one meeting per --meeting-size
            legs, and host licences when needed. Bounded: set-up (at --rate calls/s, at most
            --setup-timeout), 1 s warm-up, --duration, 3 s to hang up.
            """
    )

    @OptionGroup var client: ClientOptions
    @Option(name: .long, help: "Calls to place.") var legs = 20
    @Option(name: .long, help: "Participants per meeting.") var meetingSize = 10
    @Option(name: .long, help: "Codec: PCMU, PCMA or G722.") var codec = "PCMU"
    @Option(name: .long, help: "Simultaneous talkers per meeting (speech); the others send silence.") var talkers = 3
    @Option(name: .long, help: "Seconds measured once every call is up.") var duration = 20
    @Option(name: .long, help: "INVITEs per second while setting up.") var rate = 100
    @Option(name: .long, help: "Seconds set-up may take.") var setupTimeout = 60
    @Option(name: .long, help: "The node's SIP address (loopback only).") var sip = "127.0.0.1:5060"
    @Option(name: .long, help: "Comma-separated meeting IDs to dial instead of creating meetings.") var meetings: String?
    @Option(name: .long, help: "The server's PID for CPU and RSS (default: the process holding the SIP port).") var serverPid: Int32?
    @Option(name: .long, help: "Join the legs to Janus AudioBridge rooms at this HTTP API URL instead (http://127.0.0.1:8088/janus).")
    var janus: String?
    @Flag(name: .long, help: "Join as browser participants (join form and WebSocket, docs/web-protocol.md) instead of SIP calls.")
    var web = false
    @Option(name: .long, help: "With --web: event-loop threads for the sockets (default: one up to 500 participants, two above).")
    var webThreads: Int?

    func run() async throws {
        try await reporting {
            guard let audio = AudioCodec(rawValue: codec.uppercased()) else {
                throw ValidationError("--codec '\(codec)' is not one of PCMU, PCMA, G722.")
            }
            guard legs > 0, meetingSize > 0, duration > 0, duration <= 3_600 else {
                throw ValidationError("--legs and --meeting-size must be positive and --duration from 1 to 3600 s.")
            }
            if let webThreads, !(1...16).contains(webThreads) { throw ValidationError("--web-threads must be from 1 to 16.") }
            let parts = sip.split(separator: ":")
            guard parts.count == 2, let port = Int(parts[1]) else { throw ValidationError("--sip must be HOST:PORT, such as 127.0.0.1:5060.") }
            let meetingIDs: [String]
            if janus != nil {
                meetingIDs = (0..<((legs + meetingSize - 1) / meetingSize)).map { "janus-room-\($0)" }
            } else if let meetings {
                meetingIDs = meetings.split(separator: ",").map(String.init)
            } else {
                meetingIDs = try await prepareMeetings()
            }
            let pid = serverPid ?? (janus != nil ? LoadRunner.pid(named: "janus") : LoadRunner.pid(holdingUDPPort: port))
            if web {
                return try await runWeb(meetingIDs, serverPID: pid)
            }
            let plan = LoadPlan(
                host: String(parts[0]), sipPort: port, meetings: meetingIDs, legs: legs, codec: audio, talkersPerMeeting: talkers,
                callsPerSecond: rate, duration: .seconds(duration), setupTimeout: .seconds(setupTimeout), speech: try Self.speech(),
                serverPID: pid)
            let json = client.json
            let runner = try LoadRunner(plan: plan) { progress in
                guard !json else { return }
                var line = "\(Int(progress.seconds))s \(progress.phase): \(progress.legsUp)/\(progress.legsPlanned) up, \(Int(progress.packetsPerSecond)) packets/s in"
                if let cores = progress.serverCores { line += ", server \(String(format: "%.2f", cores)) cores" }
                if let rss = progress.serverRSSMegabytes { line += " \(Int(rss)) MB" }
                line += ", load tool \(String(format: "%.2f", progress.toolCores)) cores"
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
            if let janus {
                guard audio != .g722 else { throw ValidationError("Janus AudioBridge plain-RTP participants take PCMU or PCMA, not G722.") }
                let rooms = meetingIDs.count
                let targets = try await JanusAudioBridge(base: janus).join(
                    rooms: rooms, codec: audio.rawValue, sources: runner.legSources, room: { $0 % rooms })
                try runner.attachMedia(targets)
            }
            let report = await Task.detached { runner.run() }.value
            if meetings == nil && janus == nil { await endMeetings(meetingIDs) }
            if json { return try CLISupport.printJSON(report) }
            print(report.table)
            if !report.isValid || !report.meetsQualityBar { throw ExitCode(2) }
        }
    }

    /// `--web`: the same meetings, joined by WebSocket participants.
    func runWeb(_ meetingIDs: [String], serverPID: Int32?) async throws {
        let plan = WebLoadRunner.Plan(
            baseURL: client.client.baseURL, meetings: meetingIDs, participants: legs, talkersPerMeeting: talkers, duration: .seconds(duration),
            setupTimeout: .seconds(setupTimeout), speech: try Self.speech(), serverPID: serverPID, threads: webThreads)
        let json = client.json
        let runner = WebLoadRunner(plan: plan) { progress in
            guard !json else { return }
            var line = "\(Int(progress.seconds))s \(progress.phase): \(progress.legsUp)/\(progress.legsPlanned) up, \(Int(progress.packetsPerSecond)) frames/s in"
            if let rss = progress.serverRSSMegabytes { line += ", server \(Int(rss)) MB" }
            line += ", load tool \(String(format: "%.2f", progress.toolCores)) cores"
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        let report = await runner.run()
        if meetings == nil { await endMeetings(meetingIDs) }
        if json { return try CLISupport.printJSON(report) }
        print(report.table)
        if !report.isValid || !report.meetsQualityBar { throw ExitCode(2) }
    }

    /// About a minute of the bundled spoken prompts, with pauses between them.
    static func speech() throws -> [Int16] {
        let library = try PromptLibrary.bundled()
        var samples: [Int16] = []
        for name in library.names where !name.hasPrefix("number_") {
            samples += library.audio(named: name)?.samples ?? []
            samples += [Int16](repeating: 0, count: 16_000 * Int.random(in: 3...8) / 10)
        }
        return samples
    }

    /// One host and one meeting, starting now, per `meetingSize` legs; licences for them.
    func prepareMeetings() async throws -> [String] {
        let api = client.client
        let count = (legs + meetingSize - 1) / meetingSize
        let status = try await api.call(.GET, "/api/v1/licenses", as: LicenceStatusDTO.self)
        let needed = status.activeHosts + count
        if status.installedHosts < needed {
            _ = try await api.send(.POST, "/api/v1/licenses", body: ["hosts": needed - status.installedHosts, "note": "parley load"])
        }
        let run = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let minutes = min(1_440, max(10, (setupTimeout + duration) / 60 + 10))
        var ids: [String] = []
        for index in 0..<count {
            let login = "load-\(run)-\(index)"
            _ = try await api.call(.POST, "/api/v1/users", body: ["login": login, "role": "host"], as: UserDTO.self)
            let meeting = try await api.call(
                .POST, "/api/v1/meetings", body: ["title": "parley load \(index)", "host": login, "durationMinutes": minutes, "expectedParticipants": meetingSize],
                as: MeetingDTO.self)
            ids.append(meeting.meetingID)
        }
        return ids
    }

    func endMeetings(_ ids: [String]) async {
        for id in ids {
            _ = try? await client.client.send(.POST, "/api/v1/meetings/\(id)/end")
        }
    }
}
