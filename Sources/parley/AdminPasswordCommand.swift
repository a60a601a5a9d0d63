import ArgumentParser
import ParleyApp
import ParleyDirector
import ParleyModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension AdminCommand {
    /// `parley admin password LOGIN`: sets a user's web password on the data directory, so
    /// the first administrator can sign in to the portal.
    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a user's web (portal) password on the data directory.",
            discussion: """
                Works on the data directory; no running server is needed. The password is read from --password, \
                else from standard input (typed without echo on a terminal, or piped: `echo … | parley admin password admin`). \
                For the login `admin`, the built-in administrator is created when it does not exist yet.
                """
        )

        @OptionGroup var options: ConfigOptions
        @Argument(help: "The user's login (`admin` for the built-in administrator).") var login: String
        @Option(name: .long, help: "The new password, 8-128 characters (default: read from standard input).") var password: String?

        func run() async throws {
            try await reporting {
                guard let secret = password ?? Self.readSecret(prompt: "New password for \(login): ") else {
                    throw ValidationError("No password given: pass --password or type it on standard input.")
                }
                let config = try options.loadQuietly()
                try await StoreFactory.withLocalDirector(config, logger: Observability.logger("parley")) { director in
                    // Local operation on the data directory: the operator acts as an administrator.
                    let operatorPrincipal = Principal(
                        user: User(id: .random(prefix: "usr"), login: "(local operator)", displayName: "Local operator", role: .admin, createdAt: director.now()))
                    do {
                        _ = try await director.updateUser(login: login, UserChanges(password: .some(secret)), by: operatorPrincipal)
                    } catch let error as ParleyError where error.kind == .notFound && login == "admin" {
                        _ = try await director.createUser(
                            NewUser(login: "admin", displayName: "Administrator", password: secret, role: .admin), by: nil)
                    }
                }
                print("Password set for \(login). Sign in at the portal's /login.")
            }
        }

        private static func writeError(_ text: String) {
            var bytes = Array(text.utf8)
            _ = write(STDERR_FILENO, &bytes, bytes.count)
        }

        /// One line from standard input, without echo when it is a terminal.
        static func readSecret(prompt: String) -> String? {
            let isTerminal = isatty(STDIN_FILENO) == 1
            var saved = termios()
            if isTerminal {
                writeError(prompt)
                tcgetattr(STDIN_FILENO, &saved)
                var quiet = saved
                quiet.c_lflag &= ~tcflag_t(ECHO)
                tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
            }
            defer {
                if isTerminal {
                    tcsetattr(STDIN_FILENO, TCSANOW, &saved)
                    writeError("\n")
                }
            }
            guard let line = readLine(strippingNewline: true), !line.isEmpty else { return nil }
            return line
        }
    }
}
