import NIOCore
import NIOHTTP1

/// NIO's response decoder, told of each request by the connection that writes it.
///
/// The decoder must know which requests were HEAD or CONNECT, whose answers have no body. NIO's
/// own handler learns that by watching request parts go out; the upstream connection writes bytes
/// instead (`HeadWire`), so it tells the decoder itself (`UpstreamConnection.writeHead`) and this
/// wrapper keeps the decoder off the outbound path.
struct ReplicaResponseDecoder: ByteToMessageDecoder {
    typealias InboundOut = HTTPClientResponsePart

    /// A class: the handler holds this wrapper, the connection holds the same decoder.
    let decoder: HTTPResponseDecoder

    func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        try decoder.decode(context: context, buffer: &buffer)
    }

    func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decoder.decodeLast(context: context, buffer: &buffer, seenEOF: seenEOF)
    }

    func decoderAdded(context: ChannelHandlerContext) {
        decoder.decoderAdded(context: context)
    }

    func decoderRemoved(context: ChannelHandlerContext) {
        decoder.decoderRemoved(context: context)
    }

    func shouldReclaimBytes(buffer: ByteBuffer) -> Bool {
        decoder.shouldReclaimBytes(buffer: buffer)
    }
}
