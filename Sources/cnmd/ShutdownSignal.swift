import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SIGTERM and SIGINT, the requests to stop, as an async sequence of signal names.
///
/// Plain Dispatch signal sources: swift-service-lifecycle would do the same, but it is not a
/// dependency of this package and cnmd has a single thing to stop.
enum ShutdownSignal {
    /// Every SIGTERM or SIGINT from now on; the default action (exit) is turned off.
    static func stream() -> AsyncStream<String> {
        let queue = DispatchQueue(label: "cnmd.signals")
        let (stream, continuation) = AsyncStream<String>.makeStream()
        var sources: [any DispatchSourceSignal] = []
        for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(name) }
            source.resume()
            sources.append(source)
        }
        // The sources live as long as the stream does.
        let owner = SignalSources(sources)
        continuation.onTermination = { _ in owner.cancel() }
        return stream
    }
}

/// Keeps the signal sources of one stream alive and cancels them with it.
///
/// `@unchecked Sendable`: the array is never mutated after `init`, and dispatch sources are
/// thread-safe objects, so `cancel()` may run on any thread.
private final class SignalSources: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]

    init(_ sources: [any DispatchSourceSignal]) {
        self.sources = sources
    }

    func cancel() {
        for source in self.sources { source.cancel() }
    }
}
