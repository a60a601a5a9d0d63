import Foundation

/// CPU time and resident memory of a process from /proc (Linux).
extension LoadRunner {
    /// The process holding a UDP socket on local `port`, or nil (see ``ProcessSample``).
    public static func pid(holdingUDPPort port: Int) -> Int32? {
        ProcessSample.pid(holdingUDPPort: port)
    }

    /// The first process whose command name is `name` (from /proc/PID/comm), or nil.
    public static func pid(named name: String) -> Int32? {
        guard let processes = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        for entry in processes {
            guard let pid = Int32(entry),
                let comm = try? String(contentsOfFile: "/proc/\(entry)/comm", encoding: .utf8),
                comm.trimmingCharacters(in: .whitespacesAndNewlines) == name
            else { continue }
            return pid
        }
        return nil
    }
}

struct ProcessSample: Sendable, Hashable {
    /// User + system CPU time in seconds.
    var cpuSeconds: Double
    /// Resident set size in bytes.
    var residentBytes: UInt64
    /// CLOCK_REALTIME when taken, nanoseconds.
    var at: Int64

    /// Reads /proc/PID/stat and /proc/PID/status; nil if the process is gone or unreadable.
    static func read(pid: Int32?, at now: Int64) -> ProcessSample? {
        let base = pid.map { "/proc/\($0)" } ?? "/proc/self"
        guard let stat = try? String(contentsOfFile: base + "/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after "comm)": state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        var resident: UInt64 = 0
        if let status = try? String(contentsOfFile: base + "/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        {
            let digits = line.filter(\.isNumber)
            resident = (UInt64(digits) ?? 0) * 1024
        }
        return ProcessSample(cpuSeconds: (user + system) / ticks, residentBytes: resident, at: now)
    }

    /// Cores used between two samples.
    static func cores(from start: ProcessSample, to end: ProcessSample) -> Double {
        let wall = Double(end.at - start.at) / 1e9
        return wall > 0 ? (end.cpuSeconds - start.cpuSeconds) / wall : 0
    }

    /// The process holding a UDP socket on local `port` (from /proc/net/udp and the
    /// processes' descriptors), or nil.
    static func pid(holdingUDPPort port: Int) -> Int32? {
        var inodes = Set<String>()
        for table in ["/proc/net/udp", "/proc/net/udp6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let columns = line.split(separator: " ", omittingEmptySubsequences: true)
                guard columns.count > 9, let colon = columns[1].lastIndex(of: ":"),
                    Int(columns[1][columns[1].index(after: colon)...], radix: 16) == port
                else { continue }
                inodes.insert(String(columns[9]))
            }
        }
        guard !inodes.isEmpty, let processes = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        for entry in processes {
            guard let pid = Int32(entry), let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(entry)/fd") else { continue }
            for descriptor in descriptors {
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/fd/\(descriptor)"),
                    target.hasPrefix("socket:[")
                else { continue }
                if inodes.contains(String(target.dropFirst(8).dropLast())) { return pid }
            }
        }
        return nil
    }
}
