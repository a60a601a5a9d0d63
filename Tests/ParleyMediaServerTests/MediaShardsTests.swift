import NIOCore
import NIOPosix
import ParleyRTP
import Testing

@testable import ParleyMediaServer

/// Media spread over two event loops: placement by meeting ID, and a caller placed on one
/// shard joining a meeting on the other through a bridge. Real UDP on 127.0.0.1.
@Suite("Media shards", .serialized, .timeLimit(.minutes(1)))
struct MediaShardsTests {
    static let heard = 1e6

    @Test("the per-call range is cut into whole RTP/RTCP pairs, one part per shard")
    func splitRange() {
        #expect(MediaShards.split(nil, into: 3) == [nil, nil, nil])
        #expect(MediaShards.split(20_000...20_099, into: 2) == [20_000...20_049, 20_050...20_099])
        #expect(MediaShards.split(20_001...20_010, into: 2) == [20_002...20_005, 20_006...20_010])
        #expect(MediaShards.split(20_000...20_003, into: 4) == [20_000...20_001, 20_002...20_003], "no more parts than pairs")
    }

    @Test("calls to one meeting ID land on its shard; a caller from another shard is bridged in, hears and is heard, and leaves cleanly")
    func bridgeAcrossShards() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let shards = try await MediaShards.start(count: 2, address: "127.0.0.1", port: 0, group: group, prompts: .empty)
        do {
            let meeting = "123456"
            let home = shards.shard(ofMeeting: meeting)
            #expect(shards.engines[0].eventLoop !== shards.engines[1].eventLoop)
            #expect(shards.engines[0].localPort != shards.engines[1].localPort)

            // a dials the meeting: placed on its shard. b came through an access number: placed
            // on the shard with fewer legs, which is the other one.
            let portA = try await shards.prepareLeg(id: "a", placement: meeting)
            let portB = try await shards.prepareLeg(id: "b", placement: nil)
            #expect(portA == shards.engines[home].localPort)
            #expect(portB == shards.engines[1 - home].localPort)
            var phones = [try MediaTestPhone(tone: 700, destinationPort: portA), try MediaTestPhone(tone: 1100, destinationPort: portB)]
            defer { phones.forEach { $0.close() } }
            try await shards.engines[home].addPhone(phones[0], id: "a")
            try await shards.engines[1 - home].addPhone(phones[1], id: "b")
            await shards.createRoom(id: "mtg_x", placement: meeting)
            await shards.addLeg("a", toRoom: "mtg_x")
            await shards.addLeg("b", toRoom: "mtg_x")

            try await MediaTestRun.run(&phones, frames: 0..<75)

            let heardByA = tail(phones[0].receivedAudio(), seconds: 0.8)
            let heardByB = tail(phones[1].receivedAudio(), seconds: 0.8)
            #expect(power(1100, heardByA) > Self.heard, "a hears b across the bridge")
            #expect(power(700, heardByB) > Self.heard, "b hears a across the bridge")
            #expect(power(700, heardByA) < Self.heard / 100, "a does not hear itself")
            #expect(power(1100, heardByB) < Self.heard / 100, "b does not hear itself")

            // The roster has both, b with its own leg's figures (its RTP) and the meeting's talking flag.
            let roster = await shards.roster(room: "mtg_x")
            #expect(Set(roster.map(\.legID)) == ["a", "b"])
            let b = try #require(roster.first { $0.legID == "b" })
            #expect(b.codec == .pcmu && b.roomID == "mtg_x" && b.packetsReceived > 50 && b.isTalking)

            // Muting b silences it in the meeting.
            await shards.setMuted(legID: "b", true)
            try await MediaTestRun.run(&phones, frames: 75..<125)
            #expect(power(1100, tail(phones[0].receivedAudio(), seconds: 0.6)) < Self.heard / 100, "muted b is not heard")

            // Hanging up b takes the bridge down on both shards.
            let final = await shards.closeLeg(id: "b")
            #expect(final?.packetsReceived ?? 0 > 100)
            #expect(await shards.roster(room: "mtg_x").map(\.legID) == ["a"])
            #expect(await shards.engines[1 - home].statistics().legs == 0)
            #expect(await shards.engines[1 - home].statistics().rooms == 0)
            #expect(await shards.engines[home].statistics().legs == 1)
        } catch {
            await shards.stop()
            try await group.shutdownGracefully()
            throw error
        }
        await shards.stop()
        try await group.shutdownGracefully()
    }

    @Test("a caller who hangs up or whose meeting ends while being bridged leaves nothing behind, whatever the interleaving")
    func bridgeRaces() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let shards = try await MediaShards.start(count: 2, address: "127.0.0.1", port: 0, group: group, prompts: .empty)
        let meeting = "654321"
        let home = shards.shard(ofMeeting: meeting)
        let phone = try MediaTestPhone(tone: nil, destinationPort: shards.engines[home].localPort)
        defer { phone.close() }
        _ = try await shards.prepareLeg(id: "a", placement: meeting)
        try await shards.engines[home].addPhone(phone, id: "a")
        await shards.createRoom(id: "mtg_y", placement: meeting)
        await shards.addLeg("a", toRoom: "mtg_y")
        for round in 0..<20 {
            let id = "b\(round)"
            _ = try await shards.prepareLeg(id: id, placement: nil)
            let callerShard = shards.engines.firstIndex { $0.localPort != shards.engines[home].localPort } ?? 0
            try await shards.engines[callerShard].addPhone(phone, id: id, remote: try SocketAddress(ipAddress: "127.0.0.1", port: 40_000 + round))
            async let joined: Void = shards.addLeg(id, toRoom: "mtg_y")
            async let closed = shards.closeLeg(id: id)
            _ = await (joined, closed)
        }
        #expect(await shards.roster(room: "mtg_y").map(\.legID) == ["a"])
        #expect(await shards.engines[home].statistics().legs == 1)
        #expect(await shards.engines[1 - home].statistics().legs == 0)
        #expect(await shards.engines[1 - home].statistics().rooms == 0)
        // The meeting closing under a bridge being built.
        _ = try await shards.prepareLeg(id: "c", placement: nil)
        try await shards.engines[1 - home].addPhone(phone, id: "c", remote: try SocketAddress(ipAddress: "127.0.0.1", port: 41_000))
        async let joined: Void = shards.addLeg("c", toRoom: "mtg_y")
        async let ended: Void = shards.closeRoom(id: "mtg_y")
        _ = await (joined, ended)
        #expect(await shards.engines[home].statistics().legs == 1, "only a, now in the lobby")
        #expect(await shards.engines[home].statistics().rooms == 0)
        #expect(await shards.engines[1 - home].statistics().legs == 1, "c, back in its lobby")
        #expect(await shards.engines[1 - home].statistics().rooms == 0)
        await shards.stop()
        try await group.shutdownGracefully()
    }

    @Test("with per-call ports, each shard hands out pairs from its own part of the range")
    func perCallPortsPerShard() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        // Eight pairs somewhere in the upper ephemeral range; another program holding one is skipped by the pool.
        let first = 2 * Int.random(in: 20_000...29_000)
        var configuration = MediaEngine.Configuration()
        configuration.perCallPorts = first...(first + 15)
        let shards = try await MediaShards.start(
            count: 2, address: "127.0.0.1", port: 0, group: group, configuration: configuration, prompts: .empty)
        let meeting = "777777"
        let home = shards.shard(ofMeeting: meeting)
        let homeRange = home == 0 ? first...(first + 7) : (first + 8)...(first + 15)
        let otherRange = home == 0 ? (first + 8)...(first + 15) : first...(first + 7)
        let direct = try await shards.prepareLeg(id: "a", placement: meeting)
        let viaMenu = try await shards.prepareLeg(id: "b", placement: nil)
        #expect(homeRange.contains(direct) && direct % 2 == 0)
        #expect(otherRange.contains(viaMenu) && viaMenu % 2 == 0)
        _ = await shards.closeLeg(id: "a")
        _ = await shards.closeLeg(id: "b")
        #expect(await shards.statistics().legs == 0)
        await shards.stop()
        try await group.shutdownGracefully()
    }
}
