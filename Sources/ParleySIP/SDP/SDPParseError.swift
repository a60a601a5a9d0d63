/// Why a session description could not be read. Never carries the SDP text.
public struct SDPParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case empty
        case missingVersion
        case unsupportedVersion
        case malformedLine
        case invalidOrigin
        case missingOrigin
        case missingSessionName
        case invalidConnection
        case invalidTiming
        case invalidMedia
    }

    public var code: Code
    /// 1-based line number where the problem was found.
    public var line: Int

    public init(_ code: Code, line: Int) {
        self.code = code
        self.line = line
    }

    public var description: String { "SDPParseError(\(code.rawValue), line: \(line))" }
}
