import ParleyModel
import SQLKit

/// Reads the columns of one stored row, turning anything unexpected (a NULL where a value
/// belongs, an unknown enum value, a malformed meeting ID) into a `.storage` error that names
/// the table and column. Nothing read from the database is force-unwrapped.
struct RowReader {
    let row: any SQLRow
    let table: String

    func string(_ column: String) throws -> String {
        guard let value = try optionalString(column) else {
            throw StoreErrors.corruptRow(table: table, column: column, detail: "missing value")
        }
        return value
    }

    func optionalString(_ column: String) throws -> String? {
        try decode(column, as: String.self)
    }

    func int64(_ column: String) throws -> Int64 {
        guard let value = try optionalInt64(column) else {
            throw StoreErrors.corruptRow(table: table, column: column, detail: "missing value")
        }
        return value
    }

    func optionalInt64(_ column: String) throws -> Int64? {
        try decode(column, as: Int64.self)
    }

    func int(_ column: String) throws -> Int {
        let value = try int64(column)
        guard let narrowed = Int(exactly: value) else {
            throw StoreErrors.corruptRow(table: table, column: column, detail: "out of range")
        }
        return narrowed
    }

    func timestamp(_ column: String) throws -> Timestamp {
        Timestamp(millisecondsSinceEpoch: try int64(column))
    }

    func optionalTimestamp(_ column: String) throws -> Timestamp? {
        try optionalInt64(column).map { Timestamp(millisecondsSinceEpoch: $0) }
    }

    func recordID(_ column: String) throws -> RecordID {
        RecordID(rawValue: try string(column))
    }

    /// A value of a string-backed enum; an unknown value is a `.storage` error, never a crash.
    func enumeration<E: RawRepresentable>(_ column: String, as type: E.Type) throws -> E where E.RawValue == String {
        let raw = try string(column)
        guard let value = E(rawValue: raw) else {
            throw StoreErrors.corruptRow(table: table, column: column, detail: "unknown value '\(raw)'")
        }
        return value
    }

    func meetingID(_ column: String) throws -> MeetingID {
        let raw = try string(column)
        guard let value = MeetingID(raw) else {
            throw StoreErrors.corruptRow(table: table, column: column, detail: "not 4-10 digits: '\(raw)'")
        }
        return value
    }

    private func decode<T: Decodable>(_ column: String, as type: T.Type) throws -> T? {
        do {
            if try row.decodeNil(column: column) { return nil }
            return try row.decode(column: column, as: T.self)
        } catch {
            throw StoreErrors.corruptRow(table: table, column: column, detail: "expected \(T.self)")
        }
    }
}
