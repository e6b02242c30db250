#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import NIOCore
import NIOPosix
import Synchronization

// The least a proxy on SwiftNIO costs: each client connection gets a connection of its own to a
// backend (round robin over them) and bytes go through both ways as they arrive: no HTTP parsing,
// no routing, one handler per connection. `scripts/bench-proxy.sh` measures it beside routertop,
// as the floor of what routertop's data path could cost on this event loop library.
//
// Usage: ProxyFloor LISTEN_PORT BACKEND_PORT... (all on 127.0.0.1, one event loop).

/// One side of a forwarded connection: what it reads is written to the other side.
final class Forwarder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var peer: (any Channel)?
    /// What the client sent before its backend connection was up.
    private var held: [ByteBuffer] = []

    init(peer: (any Channel)? = nil) {
        self.peer = peer
    }

    func connected(to peer: any Channel) {
        self.peer = peer
        for buffer in held { peer.write(buffer, promise: nil) }
        held = []
        peer.flush()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        if let peer { peer.write(buffer, promise: nil) } else { held.append(buffer) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        peer?.flush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        peer?.close(promise: nil)
    }
}

func port(_ text: String) -> Int? {
    guard let port = Int(text), (1...65535).contains(port) else { return nil }
    return port
}

let ports = CommandLine.arguments.dropFirst().map(port)
guard ports.count >= 2, !ports.contains(nil) else {
    let message = Array("ProxyFloor: expected LISTEN_PORT BACKEND_PORT..., each a port from 1 to 65535\n".utf8)
    _ = message.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(2)
}
let listenPort = ports[0]!
let backendPorts = ports.dropFirst().map { $0! }
let backends = try backendPorts.map { try SocketAddress(ipAddress: "127.0.0.1", port: $0) }
let nextBackend = Atomic<Int>(0)

let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let server = try ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 1024)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
    .childChannelInitializer { client in
        client.eventLoop.makeCompletedFuture {
            let clientSide = Forwarder()
            try client.pipeline.syncOperations.addHandler(clientSide)
            let backend = backends[nextBackend.wrappingAdd(1, ordering: .relaxed).oldValue % backends.count]
            ClientBootstrap(group: client.eventLoop)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { upstream in
                    upstream.eventLoop.makeCompletedFuture {
                        try upstream.pipeline.syncOperations.addHandler(Forwarder(peer: client))
                    }
                }
                .connect(to: backend)
                .assumeIsolated()
                .whenComplete { result in
                    switch result {
                    case .success(let upstream): clientSide.connected(to: upstream)
                    case .failure: client.close(promise: nil)
                    }
                }
        }
    }
    .bind(host: "127.0.0.1", port: listenPort)
    .wait()
try server.closeFuture.wait()
