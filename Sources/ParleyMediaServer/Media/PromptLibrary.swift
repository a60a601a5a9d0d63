import Foundation

/// The spoken prompts a node plays, decoded once at start-up and resampled to 16 kHz.
///
/// The English prompts ship in the bundle (`Prompts/en`, made by scripts/make-prompts.sh).
/// A deployment may point the node at its own directory of WAV files with the same names
/// (and add new ones): a file found there replaces the bundled one, a file missing there
/// falls back to it. A malformed replacement is an error at start-up, naming the file, so a
/// bad deployment is noticed before a caller hears silence.
///
/// Immutable and `Sendable`: one library is shared by every media engine of the process.
public struct PromptLibrary: Sendable {
    private var prompts: [String: PromptAudio]

    public init(prompts: [PromptAudio]) {
        var table: [String: PromptAudio] = [:]
        for prompt in prompts {
            table[prompt.name] = prompt
        }
        self.prompts = table
    }

    /// An empty library (tests, or a node without prompts).
    public static let empty = PromptLibrary(prompts: [])

    /// The prompt of this name (the file name without `.wav`).
    public func audio(named name: String) -> PromptAudio? {
        prompts[name]
    }

    /// All prompt names, sorted.
    public var names: [String] { prompts.keys.sorted() }

    public var count: Int { prompts.count }

    /// The bundled prompts, with replacements from `directory` when one is given.
    public static func load(overridingWith directory: String? = nil) throws(PromptError) -> PromptLibrary {
        var library = try bundled()
        if let directory {
            for prompt in try loadDirectory(directory) {
                library.prompts[prompt.name] = prompt
            }
        }
        return library
    }

    /// The prompts shipped in the bundle's `Prompts/en`.
    public static func bundled() throws(PromptError) -> PromptLibrary {
        guard let root = Bundle.module.url(forResource: "Prompts", withExtension: nil) else {
            throw PromptError(.directoryMissing, file: "Prompts", detail: "the bundled prompts are missing from the resource bundle")
        }
        return PromptLibrary(prompts: try loadDirectory(root.appendingPathComponent("en").path))
    }

    /// Every `*.wav` file of a directory (not its subdirectories), sorted by name.
    public static func loadDirectory(_ path: String) throws(PromptError) -> [PromptAudio] {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw PromptError(.directoryMissing, file: path, detail: "cannot list the directory")
        }
        var prompts: [PromptAudio] = []
        for file in files.sorted() where file.lowercased().hasSuffix(".wav") {
            let name = String(file.dropLast(4))
            prompts.append(try loadFile((path as NSString).appendingPathComponent(file), name: name))
        }
        return prompts
    }

    /// One WAV file.
    public static func loadFile(_ path: String, name: String) throws(PromptError) -> PromptAudio {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PromptError(.unreadable, file: path, detail: "cannot read the file")
        }
        do {
            return try PromptAudio.decodeWAV([UInt8](data), name: name)
        } catch {
            var located = error
            located.file = path
            throw located
        }
    }
}
