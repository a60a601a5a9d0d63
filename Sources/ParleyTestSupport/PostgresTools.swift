import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The PostgreSQL server programs (`initdb`, `pg_ctl`) and how to run them: directly, or as
/// the `postgres` user when this process is root.
struct PostgresTools {
    let binDirectory: String
    /// The `postgres` account's IDs when running as root; nil otherwise.
    let serverUser: (uid: uid_t, gid: gid_t)?

    private static let setupHint =
        "PostgreSQL's server programs (initdb, pg_ctl) were not found in `pg_config --bindir` or "
        + "/usr/lib/postgresql/*/bin. Run scripts/setup.sh, which installs Debian's postgresql package, "
        + "then run the tests again."

    /// Finds the binaries; throws the setup hint when they are missing (tests never skip).
    static func locate() throws -> PostgresTools {
        var candidates: [String] = []
        if let fromConfig = try? capture("/usr/bin/pg_config", ["--bindir"]) {
            candidates.append(fromConfig.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        // Newest major version first.
        for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            candidates.append("\(root)/\(version)/bin")
        }
        guard
            let binDirectory = candidates.first(where: {
                FileManager.default.isExecutableFile(atPath: $0 + "/initdb")
                    && FileManager.default.isExecutableFile(atPath: $0 + "/pg_ctl")
            })
        else { throw TestSupportError(setupHint) }

        guard geteuid() == 0 else { return PostgresTools(binDirectory: binDirectory, serverUser: nil) }
        guard let account = getpwnam("postgres") else {
            throw TestSupportError(
                "Tests run as root, and PostgreSQL refuses to; but there is no 'postgres' user to run it as. "
                    + setupHint
            )
        }
        return PostgresTools(binDirectory: binDirectory, serverUser: (account.pointee.pw_uid, account.pointee.pw_gid))
    }

    /// Hands directories to the `postgres` user when running as root.
    func giveToServerUser(_ paths: [String]) throws {
        guard let serverUser else { return }
        for path in paths where chown(path, serverUser.uid, serverUser.gid) != 0 {
            throw TestSupportError("Could not give \(path) to the postgres user (errno \(errno)).")
        }
    }

    /// Runs one of the server programs to completion; throws with its output if it fails.
    func run(_ tool: String, _ arguments: [String], in directory: TemporaryDirectory) throws {
        let (program, fullArguments) = command(tool, arguments)
        try Self.execute(program, fullArguments, output: directory.appending("\(tool).out"))
    }

    /// The program and arguments that run `tool`, through `runuser` when this process is root.
    func command(_ tool: String, _ arguments: [String]) -> (program: String, arguments: [String]) {
        let program = binDirectory + "/" + tool
        guard serverUser != nil else { return (program, arguments) }
        return ("/usr/sbin/runuser", ["-u", "postgres", "--", program] + arguments)
    }

    private static func execute(_ program: String, _ arguments: [String], output: String) throws {
        let status = try Subprocess.run(program, arguments, outputPath: output)
        guard status == 0 else {
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            throw TestSupportError("\(program) \(arguments.joined(separator: " ")) exited with \(status):\n\(text)")
        }
    }

    /// Runs a program and returns its standard output.
    private static func capture(_ program: String, _ arguments: [String]) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: program) else {
            throw TestSupportError("\(program) is missing.")
        }
        let directory = try TemporaryDirectory(prefix: "parley-capture")
        defer { try? directory.remove() }
        let output = directory.appending("output")
        guard try Subprocess.run(program, arguments, outputPath: output) == 0 else {
            throw TestSupportError("\(program) failed.")
        }
        return try String(contentsOfFile: output, encoding: .utf8)
    }
}
