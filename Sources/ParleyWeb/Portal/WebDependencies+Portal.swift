/// The portal's shared pieces, reachable from every route of the web role.
extension WebDependencies {
    /// The page templates (parsed once per process).
    var pages: PageRenderer { PageRenderer.bundled }

    /// The files served under `/static`.
    var staticFiles: StaticFiles { StaticFiles.bundled }
}

