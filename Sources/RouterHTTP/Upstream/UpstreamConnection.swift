import NIOCore
import NIOHTTP1

/// Receives one response from an upstream connection.
protocol UpstreamResponseReceiver: AnyObject {
    func upstreamHead(_ head: consuming ReplicaHead)
    func upstreamBody(_ body: ByteBuffer)
    /// The end of a batch of reads: a good moment to flush what was passed on.
    func upstreamReadComplete()
    /// The answer ended, with the trailers the replica sent after a chunked body.
    func upstreamEnd(trailers: HTTPHeaders?)
    /// The connection sent what it held: more of the request body may be written.
    func upstreamWritable()
    /// The connection closed or failed before the response ended; `brokenRule` when the router
    /// closed it because the answer broke one.
    func upstreamClosed(brokenRule: WireError?)
}

/// One keep-alive HTTP/1.1 connection to a replica, carrying one exchange at a time. It writes
/// bytes (`HeadWire`, `ChunkedFraming`) and reads the answer's parts from the bytes it reads
/// (`AnswerReader`), as the only handler in its pipeline: NIO's `ByteToMessageHandler` in front
/// of the reader cost about 2 500 instructions per answer.
final class UpstreamConnection: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Who gets the response now; nil while the connection is idle.
    var receiver: (any UpstreamResponseReceiver)?
    weak var pool: UpstreamPool?
    private(set) var isOpen = true
    /// False once the replica said it will close the connection after this response.
    private(set) var reusable = true
    private var context: ChannelHandlerContext?
    /// The rule the answer broke, once the reader refused it: the connection then closes and
    /// nothing more is read.
    private var brokenRule: WireError?
    // Unchecked: values alone (`ReaderStateTests`). Read from about four times an answer.
    @exclusivity(unchecked) private var reader = AnswerReader()
    /// Bytes read that do not make a whole part yet (a head in pieces, a chunk's size line).
    private var unread: ByteBuffer?
    /// The buffer the last request head went out in (`writeHead`), for the next one.
    private var spareHead = SpareHeadBuffer()
    /// What the requests' buffers come from: the channel's, kept here because reaching it through
    /// the channel cost about 150 instructions each time.
    let allocator: ByteBufferAllocator

    init(allocator: ByteBufferAllocator) {
        self.allocator = allocator
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Hands on every part the bytes hold, in order; an answer that ends with its last byte (or
    /// its head) ends now.
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard brokenRule == nil else { return }
        var input = unwrapInboundIn(data).joined(after: unread.take())
        do {
            while let part = try reader.next(&input) { received(part) }
        } catch {
            broke(error, context: context)
            return
        }
        if input.readableBytes > 0 { unread = input }
    }

    /// The answer broke a rule: the connection closes for that, and its receiver hears which.
    private func broke(_ rule: WireError, context: ChannelHandlerContext) {
        brokenRule = rule
        unread = nil
        reusable = false
        context.close(promise: nil)
    }

    private func received(_ part: consuming AnswerReader.Part) {
        switch consume part {
        case .head(let head, let keepAlive):
            if !keepAlive { reusable = false }
            // Kept aside: the head is handed on, and its fields' storage is used again once it is gone.
            let fields = head.fields
            receiver?.upstreamHead(head)
            reader.recycle(fields)
        case .body(let body):
            receiver?.upstreamBody(body)
        case .end(let trailers):
            let receiver = self.receiver
            self.receiver = nil
            receiver?.upstreamEnd(trailers: trailers)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        receiver?.upstreamReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { receiver?.upstreamWritable() }
        context.fireChannelWritabilityChanged()
    }

    /// False while more is queued for the replica than the connection's high-water mark.
    var isWritable: Bool { context?.channel.isWritable ?? true }

    func channelInactive(context: ChannelHandlerContext) {
        if brokenRule == nil {
            // The close ends an answer that runs until it, or cuts one short.
            do {
                if let end = try reader.closed(unread.take() ?? ByteBuffer()) { received(end) }
            } catch {
                brokenRule = error
            }
        }
        isOpen = false
        reusable = false
        pool?.forget(self)
        let receiver = self.receiver
        self.receiver = nil
        receiver?.upstreamClosed(brokenRule: brokenRule)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        reusable = false
        context.close(promise: nil)
    }

    /// The buffer the last request head went out in, to write the next head in (`SpareHeadBuffer`);
    /// `writeHead` keeps the one that head goes out in.
    func takeSpareHead() -> ByteBuffer? {
        spareHead.take()
    }

    /// Writes a request's head, `bytes`; the reader learns its `method`, so an answer to HEAD has
    /// no body.
    func writeHead(_ bytes: ByteBuffer, method: HTTPMethod) {
        guard let context else { return }
        requestWritten(method)
        context.write(wrapOutboundOut(bytes), promise: nil)
        _ = spareHead.keep(bytes)
    }

    /// A request went out: its answer is read as one to `method`.
    func requestWritten(_ method: HTTPMethod) {
        reader.requestWritten(method)
    }

    func write(_ bytes: ByteBuffer) {
        guard let context else { return }
        context.write(wrapOutboundOut(bytes), promise: nil)
    }


    func flush() {
        context?.flush()
    }

    /// Stops or resumes reading the response, so a slow client holds the replica back instead of
    /// the router buffering the whole answer.
    func setReading(_ reading: Bool) {
        guard let context, let options = context.channel.syncOptions else { return }
        try? options.setOption(ChannelOptions.autoRead, value: reading)
    }

    /// Closes the connection; a receiver still attached is detached first and hears nothing.
    func close() {
        receiver = nil
        reusable = false
        context?.close(promise: nil)
    }
}
