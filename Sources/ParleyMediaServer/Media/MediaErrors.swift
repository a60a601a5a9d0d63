/// A request the media engine could not carry out. Safe to log.
public struct MediaEngineError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case legExists = "leg_exists"
        case unknownLeg = "unknown_leg"
        case roomExists = "room_exists"
        case unknownRoom = "unknown_room"
        /// The leg is in another room; remove it from there first.
        case legInAnotherRoom = "leg_in_another_room"
        /// The negotiated codec is not one the engine implements (PCMU, PCMA, G722).
        case unsupportedCodec = "unsupported_codec"
        /// The engine was stopped.
        case stopped
        /// Every port of the per-call range is in use (or could not be bound).
        case noFreePort = "no_free_port"
    }

    public var code: Code
    /// The leg, room or prompt concerned.
    public var subject: String

    public init(_ code: Code, _ subject: String) {
        self.code = code
        self.subject = subject
    }

    public var description: String { "media engine: \(code.rawValue): \(subject)" }
}

/// Why a prompt could not be loaded or played. The description names the file and the fix,
/// and is safe to log.
public struct PromptError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The file could not be read.
        case unreadable
        /// Not a RIFF/WAVE file, or its chunks run past the end.
        case malformed
        /// A WAVE file, but not 8 kHz 16-bit mono PCM.
        case unsupportedFormat
        /// No audio samples.
        case empty
        /// Larger than a prompt can reasonably be.
        case tooLarge
        /// The configured prompt directory does not exist.
        case directoryMissing
    }

    public var code: Code
    /// The file (or prompt name) concerned.
    public var file: String
    /// What exactly is wrong.
    public var detail: String

    public init(_ code: Code, file: String, detail: String) {
        self.code = code
        self.file = file
        self.detail = detail
    }

    public var description: String {
        let fix: String
        switch code {
        case .unreadable, .directoryMissing:
            fix = "check the path and its permissions"
        case .malformed, .unsupportedFormat, .empty, .tooLarge:
            fix = "prompts must be 8 kHz 16-bit mono PCM WAV files, as scripts/make-prompts.sh makes them"
        }
        return "prompt \(file): \(code.rawValue): \(detail); \(fix)"
    }
}
