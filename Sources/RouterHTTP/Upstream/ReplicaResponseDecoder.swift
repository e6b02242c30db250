import NIOCore
import NIOHTTP1

/// The pipeline's end of `AnswerReader`: hands each part of a replica's answers to the connection
/// as it is read.
///
/// A class: the pipeline's `ByteToMessageHandler` holds it, and the connection that writes the
/// requests holds it too, to tell it of each (`UpstreamConnection.writeHead`), since an answer to
/// HEAD has no body. Parts go to the connection by a call, not down the pipeline: boxing each in
/// `NIOAny` and unboxing it again cost about 3 000 instructions per answer. `ByteToMessageHandler`
/// still passes the connection's other events on in order (the last parts before the close).
final class ReplicaResponseDecoder: ByteToMessageDecoder {
    typealias InboundOut = Never

    private var reader = AnswerReader()
    /// Who takes the parts; weak, since the connection holds this decoder.
    weak var connection: UpstreamConnection?

    /// A request went out on the connection.
    func requestWritten(_ method: HTTPMethod) {
        reader.requestWritten(method)
    }

    /// Hands on every part the bytes hold: `ByteToMessageHandler` calls again only once more
    /// bytes came, and an answer that ends with its last byte (or its head) must end now.
    func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        while let part = try reader.next(&buffer) {
            connection?.received(part)
        }
        return .needMoreData
    }

    func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        _ = try decode(context: context, buffer: &buffer)
        if let end = try reader.closed(buffer) { connection?.received(end) }
        return .needMoreData
    }
}
