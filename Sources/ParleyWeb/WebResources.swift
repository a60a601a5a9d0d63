import Foundation

/// Files the web role ships in its bundle: `Resources/templates` (mustache pages) and
/// `Resources/public` (stylesheets and ES-module scripts served under `/static`).
public enum WebResources {
    /// The bundle's `Resources` folder.
    public static var root: URL {
        (Bundle.module.resourceURL ?? Bundle.module.bundleURL).appendingPathComponent("Resources")
    }

    /// Served as `/static/…`.
    public static var publicDirectory: URL { root.appendingPathComponent("public") }

    /// The mustache templates of the portal and the join pages.
    public static var templatesDirectory: URL { root.appendingPathComponent("templates") }
}
