import Foundation
import ParleyConfig
import Testing

/// docs/configuration.md is generated from the decoder's key table; it must not drift.
@Suite("Configuration reference document")
struct ReferenceDocumentTests {
    @Test("docs/configuration.md matches `parley config reference`")
    func documentMatchesKeyTable() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent("docs/configuration.md").path
        let text = try #require(
            FileManager.default.contents(atPath: path).flatMap { String(data: $0, encoding: .utf8) },
            "docs/configuration.md is missing; regenerate it with `parley config reference > docs/configuration.md`"
        )
        #expect(
            text == ParleyConfiguration.referenceMarkdown,
            "docs/configuration.md is stale; regenerate it with `parley config reference > docs/configuration.md`"
        )
    }
}
