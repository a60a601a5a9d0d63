import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// DiffServ marking (RFC 2474) of a socket's packets: the IP TOS byte (IPv4) and traffic
/// class (IPv6) carry the code point in their upper six bits. Set once per socket: every
/// packet it sends is marked, without a per-packet cost.
public enum PacketMarking {
    /// The TOS byte of a DSCP (0…63); 0 means "leave unmarked".
    public static func tos(dscp: Int) -> Int32 {
        Int32((dscp & 0x3F) << 2)
    }

    /// The socket options that mark packets of a socket bound to `host`: IP_TOS, and
    /// IPV6_TCLASS as well for an IPv6 socket (a dual-stack one sends both kinds).
    static func options(forHost host: String) -> [ChannelOptions.Types.SocketOption] {
        var options = [ChannelOptions.Types.SocketOption(level: .ip, name: NIOBSDSocket.Option(rawValue: IP_TOS))]
        if host.contains(":") {
            options.append(ChannelOptions.Types.SocketOption(level: .ipv6, name: NIOBSDSocket.Option(rawValue: IPV6_TCLASS)))
        }
        return options
    }

    /// `bootstrap` with the marking options for `dscp`; unchanged for 0.
    static func mark(_ bootstrap: DatagramBootstrap, dscp: Int, host: String) -> DatagramBootstrap {
        guard dscp != 0 else { return bootstrap }
        var out = bootstrap
        for option in options(forHost: host) {
            out = out.channelOption(option, value: SocketOptionValue(tos(dscp: dscp)))
        }
        return out
    }

    /// `bootstrap` with the marking options for `dscp` on the listener and its connections.
    static func mark(_ bootstrap: ServerBootstrap, dscp: Int, host: String) -> ServerBootstrap {
        guard dscp != 0 else { return bootstrap }
        var out = bootstrap
        for option in options(forHost: host) {
            out = out.serverChannelOption(option, value: SocketOptionValue(tos(dscp: dscp)))
                .childChannelOption(option, value: SocketOptionValue(tos(dscp: dscp)))
        }
        return out
    }
}
