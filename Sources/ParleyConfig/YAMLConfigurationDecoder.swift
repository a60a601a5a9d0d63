import Yams

/// Walks the YAML node tree of `parley.yaml` and stores every known key, reporting unknown
/// keys, wrong types and bad YAML with their line numbers. It never stops at the first
/// problem: every key is visited.
struct YAMLConfigurationDecoder {
    /// Directory that relative file paths in the file are resolved against; nil for the
    /// working directory.
    let baseDirectory: String?

    init(sourceName: String?) {
        self.baseDirectory = Self.directory(of: sourceName)
    }

    /// `/etc/parley` for `/etc/parley/parley.yaml`, `conf` for `conf/parley.yaml`, nil for
    /// `parley.yaml` (the working directory) or no file name.
    static func directory(of path: String?) -> String? {
        guard let path, let slash = path.lastIndex(of: "/") else { return nil }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    func decode(_ yaml: String, into state: inout ConfigurationAccumulator) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            reportSyntax(error, into: &state)
            return
        } catch {
            state.error("", "the file could not be read as YAML: \(error).", fix: nil, source: state.fileSource(line: nil))
            return
        }
        guard let root else { return }
        switch root {
        case .mapping(let mapping):
            decodeSection(mapping, path: "", into: &state)
        case .scalar where Self.isNull(root):
            return
        default:
            state.error(
                "", "the file must be a mapping of keys such as http: and database:, but it is \(Self.shape(root)).",
                fix: "Start from `parley config example`.", source: state.fileSource(line: root.mark?.line)
            )
        }
    }

    // MARK: - Sections and keys

    private func decodeSection(_ mapping: Node.Mapping, path section: String, into state: inout ConfigurationAccumulator) {
        for (keyNode, value) in mapping {
            let line = keyNode.mark?.line
            guard case .scalar(let keyScalar) = keyNode else {
                state.error(
                    section, "a key must be a plain name, not \(Self.shape(keyNode)).", fix: nil,
                    source: state.fileSource(line: line)
                )
                continue
            }
            let name = keyScalar.string
            let path = section.isEmpty ? name : section + "." + name
            if let binding = ConfigurationSchema.scalarsByPath[path] {
                state.origins[path] = state.fileSource(line: value.mark?.line ?? line)
                var configuration = state.configuration
                decodeValue(value, binding: binding, path: path, into: &configuration, state: &state)
                state.configuration = configuration
            } else if ConfigurationSchema.sectionPaths.contains(path) {
                state.origins[path] = state.fileSource(line: line)
                if case .mapping(let inner) = value {
                    decodeSection(inner, path: path, into: &state)
                } else if !Self.isNull(value) {
                    let keys = ConfigurationSchema.childNames(of: path).joined(separator: ", ")
                    state.error(
                        path, "expected a mapping with the keys \(keys), got \(Self.shape(value)).",
                        fix: "Indent the keys under \(name):, one per line.", source: state.fileSource(line: line)
                    )
                }
            } else if section.isEmpty && ConfigurationSchema.lists.contains(name) {
                state.origins[path] = state.fileSource(line: line)
                decodeList(name, value, into: &state)
            } else {
                reportUnknown(name, path: path, candidates: ConfigurationSchema.childNames(of: section), line: line, into: &state)
            }
        }
    }

    private func decodeList(_ name: String, _ node: Node, into state: inout ConfigurationAccumulator) {
        switch name {
        case "sites": state.configuration.sites = decodeEntries(name, node, ConfigurationSchema.site, into: &state)
        case "nodes": state.configuration.nodes = decodeEntries(name, node, ConfigurationSchema.node, into: &state)
        default: state.configuration.directors = decodeEntries(name, node, ConfigurationSchema.director, into: &state)
        }
    }

    private func decodeEntries<Entry: ConfigurationRoot>(
        _ name: String,
        _ node: Node,
        _ bindings: [ConfigurationBinding<Entry>],
        into state: inout ConfigurationAccumulator
    ) -> [Entry] {
        if Self.isNull(node) { return [] }
        let keys = bindings.map(\.key.name)
        guard case .sequence(let sequence) = node else {
            state.error(
                name, "expected a list of entries (each a mapping with \(keys.joined(separator: ", "))), got \(Self.shape(node)).",
                fix: "Write each entry on its own line starting with `- name: …`.", source: state.fileSource(line: node.mark?.line)
            )
            return []
        }
        var entries: [Entry] = []
        for (index, element) in sequence.enumerated() {
            let entryPath = "\(name)[\(index)]"
            state.origins[entryPath] = state.fileSource(line: element.mark?.line)
            var entry = Entry.configurationDefaults
            defer { entries.append(entry) }
            guard case .mapping(let mapping) = element else {
                state.brokenEntries.insert(entryPath)
                state.error(
                    entryPath, "expected a mapping with the keys \(keys.joined(separator: ", ")), got \(Self.shape(element)).",
                    fix: "Write the entry as `- name: …` followed by its other keys, indented.")
                continue
            }
            for (keyNode, value) in mapping {
                let line = keyNode.mark?.line
                guard case .scalar(let keyScalar) = keyNode else {
                    state.error(
                        entryPath, "a key must be a plain name, not \(Self.shape(keyNode)).", fix: nil,
                        source: state.fileSource(line: line))
                    continue
                }
                let key = keyScalar.string
                let path = entryPath + "." + key
                guard let binding = bindings.first(where: { $0.key.name == key }) else {
                    reportUnknown(key, path: path, candidates: keys, line: line, into: &state)
                    continue
                }
                state.origins[path] = state.fileSource(line: value.mark?.line ?? line)
                decodeValue(value, binding: binding, path: path, into: &entry, state: &state)
            }
        }
        return entries
    }

    /// Stores one value, or reports why it cannot be stored.
    private func decodeValue<Root: ConfigurationRoot>(
        _ node: Node,
        binding: ConfigurationBinding<Root>,
        path: String,
        into root: inout Root,
        state: inout ConfigurationAccumulator
    ) {
        let raw: RawConfigurationValue?
        switch node {
        case .scalar(let scalar):
            if Self.isNull(node) {
                raw = nil
            } else if binding.key.type == .filePath, let base = baseDirectory {
                let text = scalar.string.trimmingWhitespace
                raw = .text(text.hasPrefix("/") || text.isEmpty ? text : ParleyConfiguration.resolve(text, against: base))
            } else {
                raw = .text(scalar.string)
            }
        case .sequence(let sequence):
            var items: [String] = []
            for item in sequence {
                if case .scalar(let scalar) = item { items.append(scalar.string) }
            }
            raw = items.count == sequence.count ? .list(items) : .mapping
        case .mapping, .alias:
            raw = .mapping
        }
        if let message = binding.set(raw, in: &root) {
            let source = state.source(of: path)
            state.error(path, message, fix: ConfigurationAccumulator.exampleFix(for: binding.key, source: source))
        }
    }

    private func reportUnknown(
        _ name: String,
        path: String,
        candidates: [String],
        line: Int?,
        into state: inout ConfigurationAccumulator
    ) {
        let fix: String
        if let close = KeySuggestion.closest(to: name, among: candidates) {
            fix = "Did you mean '\(close)'?"
        } else if let elsewhere = ConfigurationSchema.scalars.first(where: { $0.key.name == name })?.key.path {
            fix = "Did you mean '\(elsewhere)'? It belongs under \(elsewhere.split(separator: ".").dropLast().joined(separator: ".")):."
        } else {
            fix = "Remove it. Known keys here: \(candidates.joined(separator: ", "))."
        }
        state.error(path, "unknown key '\(name)'.", fix: fix, source: state.fileSource(line: line))
    }

    // MARK: - YAML errors

    private func reportSyntax(_ error: YamlError, into state: inout ConfigurationAccumulator) {
        let fix = "Check the indentation (spaces, not tabs), the `key: value` pairs and the quotes around that line."
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            var message = "the file is not valid YAML: \(problem)"
            if let context { message += " (\(context.text) at line \(context.mark.line))" }
            state.error("", message + ".", fix: fix, source: state.fileSource(line: mark.line))
        case .reader(let problem, let offset, _, let yaml):
            let line = offset.map { offset in 1 + yaml.prefix(offset).reduce(0) { $1 == "\n" ? $0 + 1 : $0 } }
            state.error(
                "", "the file cannot be read: \(problem).", fix: "Save the file as UTF-8 text.",
                source: state.fileSource(line: line))
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            state.error(
                "", "the key \(names) appears more than once in the same mapping.",
                fix: "Keep one of them.", source: state.fileSource(line: context.mark.line))
        default:
            state.error("", "the file could not be read as YAML: \(error).", fix: fix, source: state.fileSource(line: nil))
        }
    }

    // MARK: - Node helpers

    /// An empty value, `~` or `null` (unquoted).
    static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// "a list", "a mapping", "'text'": what a node is, for messages.
    static func shape(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): return "'\(scalar.string)'"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .alias: return "an alias"
        }
    }
}
