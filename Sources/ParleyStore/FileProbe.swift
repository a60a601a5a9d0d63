#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What is at a path the SQLite store is asked to open, found without writing anything.
enum FileProbe: Equatable {
    /// Nothing there yet: SQLite will create it.
    case missing
    /// An empty file: SQLite treats it as a new database.
    case empty
    /// A file starting with SQLite's header.
    case sqlite
    /// A file with other contents.
    case foreign
    /// A directory or something unreadable, with the reason.
    case unusable(String)

    /// "SQLite format 3" and a NUL: the first 16 bytes of every SQLite database file.
    private static let magic: [UInt8] = Array("SQLite format 3".utf8) + [0]

    static func inspect(path: String) -> FileProbe {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            return code == ENOENT ? .missing : .unusable(Self.describe(errno: code))
        }
        if (info.st_mode & S_IFMT) == S_IFDIR { return .unusable("it is a directory") }
        if info.st_size == 0 { return .empty }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return .unusable(Self.describe(errno: errno)) }
        defer { close(fd) }
        var header = [UInt8](repeating: 0, count: magic.count)
        var filled = 0
        while filled < header.count {
            let got = header.withUnsafeMutableBytes { buffer in
                read(fd, buffer.baseAddress.map { $0 + filled }, buffer.count - filled)
            }
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { break }
            filled += got
        }
        return filled == header.count && header == magic ? .sqlite : .foreign
    }

    private static func describe(errno code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
