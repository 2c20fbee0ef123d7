import NIOCore
import Synchronization

/// Where the Swift tasks of one connection leave their finished answers for the event loop.
///
/// The first answer posted schedules one event-loop job; every answer posted until that job
/// runs is written by it, under the connection's ``FlushCoalescer`` when there is one (HTTP/2),
/// so that a burst of answers costs one wake-up of the event loop and one `writev`.
final class ReplyMailbox: Sendable {
    /// Writes one answer; runs on the event loop.
    typealias Write = @Sendable () -> Void

    private let eventLoop: any EventLoop
    private let coalescer: NIOLoopBound<FlushCoalescer>?
    private let pending = Mutex<[Write]>([])

    /// A mailbox for the connection on `eventLoop`; `coalescer` is that connection's, if any.
    init(eventLoop: any EventLoop, coalescer: FlushCoalescer?) {
        self.eventLoop = eventLoop
        self.coalescer = coalescer.map { NIOLoopBound($0, eventLoop: eventLoop) }
    }

    /// Hands `write` to the event loop; from any thread.
    func post(_ write: @escaping Write) {
        let isFirst = self.pending.withLock { pending in
            pending.append(write)
            return pending.count == 1
        }
        if isFirst {
            self.eventLoop.execute { self.deliver() }
        }
    }

    private func deliver() {
        let writes = self.pending.withLock { pending in
            var taken: [Write] = []
            swap(&taken, &pending)
            return taken
        }
        guard let coalescer = self.coalescer?.value else {
            for write in writes { write() }
            return
        }
        coalescer.holdingFlushes {
            for write in writes { write() }
        }
    }
}
