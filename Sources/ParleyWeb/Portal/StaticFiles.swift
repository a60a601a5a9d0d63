import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The files of `Resources/public`, served under `/static/…`.
///
/// All of them are read once into memory (they are a few small stylesheets and scripts) and
/// looked up by exact relative path, so no request path ever reaches the file system: `..`,
/// encoded slashes and directories simply are not keys, and there is no directory listing.
struct StaticFiles: Sendable {
    struct File: Sendable {
        var body: ByteBuffer
        var contentType: String
        /// A strong validator: the first 16 bytes of the content's SHA-256, in hex.
        var eTag: String
    }

    static let bundled = StaticFiles(directory: WebResources.publicDirectory)

    private let files: [String: File]

    /// Reads every regular file under `directory`, keyed by its path relative to it.
    init(directory: URL) {
        var files: [String: File] = [:]
        let root = directory.standardizedFileURL.path
        if let enumerator = FileManager.default.enumerator(atPath: root) {
            for case let relative as String in enumerator {
                let path = root + "/" + relative
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                    let data = FileManager.default.contents(atPath: path)
                else { continue }
                files[relative] = File(
                    body: ByteBuffer(bytes: data), contentType: Self.contentType(of: relative),
                    eTag: "\"" + SHA256.hash(data: data).prefix(16).map { Self.hex($0) }.joined() + "\"")
            }
        }
        self.files = files
    }

    /// Files given in memory (tests).
    init(files: [String: String]) {
        self.files = files.mapValues {
            File(body: ByteBuffer(string: $0), contentType: "text/plain; charset=utf-8", eTag: "\"\($0.utf8.count)\"")
        }
    }

    /// The file at `path` (relative, `/`-separated), if there is one.
    func file(_ path: String) -> File? { files[path] }

    var paths: [String] { files.keys.sorted() }

    /// The answer to `GET /static/<path>`: the file, 304 when the client has it, or nil
    /// (the caller answers 404).
    func response(path: String, ifNoneMatch: String?) -> Response? {
        guard let file = files[path] else { return nil }
        var headers = HTTPFields()
        headers[.eTag] = file.eTag
        // Revalidate every time: the files change with each release and are small.
        headers[.cacheControl] = "no-cache"
        headers[.xContentTypeOptions] = "nosniff"
        if let ifNoneMatch, ifNoneMatch.split(separator: ",").contains(where: { $0.trimmingSpaces == file.eTag || $0.trimmingSpaces == "*" }) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = file.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: file.body))
    }

    static func contentType(of path: String) -> String {
        let ext = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch ext {
        case "css": return "text/css; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "json", "map": return "application/json"
        case "html": return "text/html; charset=utf-8"
        case "txt": return "text/plain; charset=utf-8"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "ico": return "image/x-icon"
        case "wav": return "audio/wav"
        case "wasm": return "application/wasm"
        default: return "application/octet-stream"
        }
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String { String(self).trimmingSpaces }
}
