import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A fresh, uniquely named directory under `/tmp` for one test, removed by ``remove()``.
public struct TemporaryDirectory: Sendable {
    /// Absolute path of the directory.
    public let path: String

    /// Creates `/tmp/<prefix>-XXXXXX` with mode 0700.
    public init(prefix: String = "parley-test") throws {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            return mkdtemp(base) != nil
        }
        guard created else {
            throw TestSupportError("Could not create a temporary directory under /tmp (errno \(errno)).")
        }
        let bytes = template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        self.path = String(decoding: bytes, as: UTF8.self)
    }

    /// The path of an entry inside the directory.
    public func appending(_ name: String) -> String {
        path + "/" + name
    }

    /// Deletes the directory and everything in it; a directory already gone is fine.
    public func remove() throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        try FileManager.default.removeItem(atPath: path)
    }

    /// Runs `body` with a new directory and removes it afterwards, whether `body` threw or not.
    public static func with<T>(prefix: String = "parley-test", _ body: (TemporaryDirectory) async throws -> T)
        async throws -> T
    {
        let directory = try TemporaryDirectory(prefix: prefix)
        do {
            let result = try await body(directory)
            try directory.remove()
            return result
        } catch {
            try? directory.remove()
            throw error
        }
    }
}

/// A failure of a test fixture, with what to do about it.
public struct TestSupportError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
