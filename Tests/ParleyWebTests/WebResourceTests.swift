import Foundation
import Testing

@testable import ParleyWeb

@Suite("Web resources")
struct WebResourceTests {
    @Test("The stylesheet ships in the bundle")
    func stylesheet() throws {
        let path = WebResources.publicDirectory.appendingPathComponent("parley.css").path
        #expect(FileManager.default.fileExists(atPath: path))
    }
}
