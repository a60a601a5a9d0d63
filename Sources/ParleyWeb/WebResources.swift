import Foundation

/// Files the web role ships in its bundle: `Resources/templates` (mustache pages) and
/// `Resources/public` (stylesheets and ES-module scripts served under `/static`).
public enum WebResources {
    /// The bundle's `Resources` folder.
    /// SwiftPM copies the folder to the bundle's root; Foundation's `resourceURL` may name a
    /// `Resources` folder inside the bundle (on Linux it does), so both places are tried.
    public static let root: URL = {
        let candidates = [Bundle.module.bundleURL, Bundle.module.resourceURL].compactMap { $0 }.map { $0.appendingPathComponent("Resources") }
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("templates").path) } ?? candidates[0]
    }()

    /// Served as `/static/…`.
    public static var publicDirectory: URL { root.appendingPathComponent("public") }

    /// The mustache templates of the portal and the join pages.
    public static var templatesDirectory: URL { root.appendingPathComponent("templates") }
}
