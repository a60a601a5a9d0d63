import Foundation

/// The portal's shared pieces, reachable from every route of the web role.
extension WebDependencies {
    /// The page templates (parsed once per process).
    var pages: PageRenderer { PageRenderer.bundled }

    /// The files served under `/static`.
    var staticFiles: StaticFiles { StaticFiles.bundled }
}

/// The bundle's folders as the portal finds them. SwiftPM on Linux copies `Resources` into
/// the bundle and Foundation may already report that folder as the bundle's resource URL, so
/// `WebResources` can name `Resources/Resources/…`; the portal takes whichever exists.
enum PortalResources {
    static var templatesDirectory: URL { existing(WebResources.templatesDirectory, fallback: "templates") }
    static var publicDirectory: URL { existing(WebResources.publicDirectory, fallback: "public") }

    private static func existing(_ url: URL, fallback name: String) -> URL {
        if FileManager.default.fileExists(atPath: url.path) { return url }
        let alternative = (Bundle.module.resourceURL ?? Bundle.module.bundleURL).appendingPathComponent(name)
        return FileManager.default.fileExists(atPath: alternative.path) ? alternative : url
    }
}
