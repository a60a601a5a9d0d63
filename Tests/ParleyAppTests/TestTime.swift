import Foundation
import ParleyModel

/// Request times on whole minutes, so they come back from the server unchanged.
enum TestTime {
    static var nowSeconds: Int64 { Int64(Date().timeIntervalSince1970) }

    /// The minute `minutes` from now (rounded down to a whole minute), as RFC 3339.
    static func minutes(_ minutes: Int) -> String {
        Timestamp(secondsSinceEpoch: (nowSeconds / 60 + Int64(minutes)) * 60).rfc3339
    }

    /// A time `seconds` from now, to the second.
    static func seconds(_ seconds: Int64) -> String {
        Timestamp(secondsSinceEpoch: nowSeconds + seconds).rfc3339
    }

    static func parse(_ text: String?) -> Timestamp? { text.flatMap { Timestamp(rfc3339: $0) } }
}
