extension ParleyConfiguration {
    /// `database`: where the system of record lives.
    public struct Database: Sendable, Hashable {
        public enum Driver: String, Sendable, Hashable, CaseIterable {
            /// An embedded SQLite file: the single-process default.
            case sqlite
            /// A PostgreSQL server shared by the directors of a cluster.
            case postgres
        }

        /// `database.sqlite`.
        public struct SQLite: Sendable, Hashable {
            /// `database.sqlite.path`: relative to `data_dir` unless absolute.
            public var path: String = "parley.sqlite"

            public init() {}
        }

        /// `database.postgres`. The password is never part of `description`.
        public struct Postgres: Sendable, Hashable, CustomStringConvertible {
            public enum TLS: String, Sendable, Hashable, CaseIterable {
                /// Plain TCP (a loopback or private network).
                case disable
                /// TLS required; the server certificate is verified.
                case require
            }

            /// `database.postgres.host`.
            public var host: String = "127.0.0.1"
            /// `database.postgres.port`.
            public var port: Int = 5432
            /// `database.postgres.user`.
            public var user: String = "parley"
            /// `database.postgres.password`: prefer `password_file` or the environment.
            public var password: String?
            /// `database.postgres.password_file`: a file whose first line is the password.
            public var passwordFile: String?
            /// `database.postgres.database`.
            public var database: String = "parley"
            /// `database.postgres.tls`.
            public var tls: TLS = .disable

            public init() {}

            public var description: String {
                let secret = password == nil ? "none" : "set"
                let file = passwordFile.map { ", password_file: \($0)" } ?? ""
                return "postgres://\(user)@\(host):\(port)/\(database) (tls: \(tls.rawValue), password: \(secret)\(file))"
            }
        }

        /// `database.driver`.
        public var driver: Driver = .sqlite
        public var sqlite = SQLite()
        public var postgres = Postgres()

        public init() {}
    }
}
