import ParleyMediaServer
import Testing

@Suite("IVR state machine")
struct IVRStateMachineTests {
    typealias A = IVRStateMachine.Action

    @Test("access number: welcome, digits, #, lookup, join after the joining prompt")
    func accessNumberHappyPath() {
        var ivr = IVRStateMachine()
        #expect(ivr.start(meetingID: nil) == [.play([.prompt(.welcome)]), .startDigitTimer(.seconds(10))])
        #expect(ivr.digit("1") == [.stopPlayback, .startDigitTimer(.seconds(10))])
        _ = ivr.digit("2")
        _ = ivr.digit("3")
        _ = ivr.digit("4")
        #expect(ivr.digit("#") == [.stopPlayback, .cancelDigitTimer, .lookUp(meetingID: "1234")])
        #expect(ivr.lookupResult(.found(needsPassword: false, hasHostPIN: false)) == [.cancelDigitTimer, .play([.prompt(.joining)])])
        #expect(!ivr.isFinished)
        #expect(ivr.playbackFinished() == [.join(asHost: false)])
        #expect(ivr.isFinished)
    }

    @Test("direct dial looks the meeting up at once")
    func directDial() {
        var ivr = IVRStateMachine()
        #expect(ivr.start(meetingID: "987654") == [.lookUp(meetingID: "987654")])
    }

    @Test("star clears the entry")
    func starClears() {
        var ivr = IVRStateMachine()
        _ = ivr.start(meetingID: nil)
        _ = ivr.digit("9")
        _ = ivr.digit("*")
        _ = ivr.digit("5")
        #expect(ivr.digit("#").last == .lookUp(meetingID: "5"))
    }

    @Test("three unknown meeting IDs: not found, try again, then too many tries and goodbye")
    func threeTries() {
        var ivr = IVRStateMachine()
        _ = ivr.start(meetingID: nil)
        for attempt in 1...3 {
            _ = ivr.digit("1")
            #expect(ivr.digit("#").last == .lookUp(meetingID: "1"))
            let actions = ivr.lookupResult(.notFound)
            if attempt < 3 {
                #expect(actions == [.play([.prompt(.meetingNotFound), .prompt(.tryAgain), .prompt(.enterMeetingID)]), .startDigitTimer(.seconds(10))])
            } else {
                #expect(actions == [.cancelDigitTimer, .play([.prompt(.meetingNotFound), .prompt(.tooManyTries), .prompt(.goodbye)])])
            }
        }
        #expect(ivr.playbackFinished() == [.hangUp])
        #expect(ivr.digit("1").isEmpty)
    }

    @Test("spoken refusals", arguments: [
        (IVRStateMachine.LookupResult.notStarted, IVRPrompt.notStarted), (.ended, .meetingEnded), (.locked, .meetingLocked), (.full, .meetingFull),
    ])
    func refusals(result: IVRStateMachine.LookupResult, prompt: IVRPrompt) {
        var ivr = IVRStateMachine()
        _ = ivr.start(meetingID: "1234")
        #expect(ivr.lookupResult(result).first == .play([.prompt(prompt), .prompt(.tryAgain), .prompt(.enterMeetingID)]))
    }

    @Test("no licence: explained, then goodbye and hang-up")
    func noLicence() {
        var ivr = IVRStateMachine()
        _ = ivr.start(meetingID: "1234")
        #expect(ivr.lookupResult(.noLicence) == [.cancelDigitTimer, .play([.prompt(.noLicence), .prompt(.goodbye)])])
        #expect(ivr.playbackFinished() == [.hangUp])
    }

    @Test("password then host PIN makes the caller the host")
    func passwordAndHostPIN() {
        var ivr = IVRStateMachine()
        _ = ivr.start(meetingID: "1234")
        #expect(ivr.lookupResult(.found(needsPassword: true, hasHostPIN: true)).first == .play([.prompt(.enterPassword)]))
        _ = ivr.digit("4")
        _ = ivr.digit("2")
        #expect(ivr.digit("#").last == .checkPassword("42"))
        #expect(ivr.passwordChecked(false).first == .play([.prompt(.wrongPassword), .prompt(.tryAgain), .prompt(.enterPassword)]))
        _ = ivr.digit("4")
        _ = ivr.digit("3")
        _ = ivr.digit("#")
        #expect(ivr.passwordChecked(true).first == .play([.prompt(.enterHostPIN)]))
        _ = ivr.digit("7")
        #expect(ivr.digit("#").last == .checkHostPIN("7"))
        _ = ivr.hostPINChecked(true)
        #expect(ivr.playbackFinished() == [.join(asHost: true)])
    }

    @Test("pound alone or silence at the host-PIN question joins as a participant")
    func notTheHost() {
        var ivr = IVRStateMachine()
        _ = ivr.start(meetingID: "1234")
        _ = ivr.lookupResult(.found(needsPassword: false, hasHostPIN: true))
        #expect(ivr.digit("#").last == .play([.prompt(.joining)]))
        #expect(ivr.playbackFinished() == [.join(asHost: false)])

        var quiet = IVRStateMachine()
        _ = quiet.start(meetingID: "1234")
        _ = quiet.lookupResult(.found(needsPassword: false, hasHostPIN: true))
        #expect(quiet.digitTimerFired().last == .play([.prompt(.joining)]))
    }

    @Test("digit timeout submits what was typed, or asks again")
    func digitTimeout() {
        var ivr = IVRStateMachine()
        _ = ivr.start(meetingID: nil)
        #expect(ivr.digitTimerFired() == [.play([.prompt(.tryAgain), .prompt(.enterMeetingID)]), .startDigitTimer(.seconds(10))])
        _ = ivr.digit("5")
        _ = ivr.digit("5")
        #expect(ivr.digitTimerFired() == [.lookUp(meetingID: "55")])
    }

    @Test("events out of order are ignored")
    func outOfOrder() {
        var ivr = IVRStateMachine()
        #expect(ivr.lookupResult(.notFound).isEmpty)
        #expect(ivr.passwordChecked(true).isEmpty)
        #expect(ivr.playbackFinished().isEmpty)
        #expect(ivr.digit("1").isEmpty)
    }

    @Test("numbers are read from the number prompts", arguments: [
        (0, ["number_0"]), (7, ["number_7"]), (21, ["number_20", "number_1"]), (40, ["number_40"]),
        (115, ["number_1", "number_hundred", "number_15"]),
        (2000, ["number_2", "number_thousand"]),
        (1234, ["number_1", "number_thousand", "number_2", "number_hundred", "number_30", "number_4"]),
    ])
    func numbers(value: Int, files: [String]) {
        #expect(IVRUtterance.number(value).fileNames == files)
    }
}

@Suite("Keypad commands")
struct KeypadCommandsTests {
    @Test("default keymap")
    func defaults() throws {
        var keys = try #require(KeypadCommands())
        #expect(keys.digit("*") == nil)
        #expect(keys.digit("6") == .toggleMute)
        for k: Character in ["#", "2"] { #expect(keys.digit(k) == nil) }
        #expect(keys.digit("1") == .rollCall)
        for k: Character in ["#", "4"] { #expect(keys.digit(k) == nil) }
        #expect(keys.digit("3") == .ejectLast)
        #expect(keys.digit("*") == nil)
        #expect(keys.digit("5") == .muteAll)
        #expect(KeypadCommands.Command.muteAll.hostOnly && !KeypadCommands.Command.toggleMute.hostOnly)
    }

    @Test("stray digits are dropped and a new sequence can start mid-way")
    func strayDigits() throws {
        var keys = try #require(KeypadCommands())
        #expect(keys.digit("9") == nil)
        #expect(!keys.isCollecting)
        #expect(keys.digit("#") == nil)
        #expect(keys.digit("9") == nil)
        #expect(keys.digit("*") == nil)
        #expect(keys.digit("6") == .toggleMute)
        _ = keys.digit("#")
        keys.timeout()
        #expect(!keys.isCollecting)
    }

    @Test("a keymap where one sequence is a prefix of another is refused")
    func prefixRefused() {
        #expect(KeypadCommands(keymap: ["*6": .toggleMute, "*61": .rollCall]) == nil)
        #expect(KeypadCommands(keymap: ["6": .toggleMute]) == nil)
        #expect(KeypadCommands(keymap: ["*7": .toggleMute]) != nil)
    }
}
