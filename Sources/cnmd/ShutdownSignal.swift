import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Waits for SIGTERM or SIGINT, the requests to stop gracefully.
///
/// Plain Dispatch signal sources: swift-service-lifecycle would do the same, but it is not a
/// dependency of this package and cnmd has a single thing to stop.
enum ShutdownSignal {
    /// Returns the name of the first of SIGTERM or SIGINT to arrive.
    static func wait() async -> String {
        let signals: [(Int32, String)] = [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")]
        let queue = DispatchQueue(label: "cnmd.signals")
        let (stream, continuation) = AsyncStream<String>.makeStream()
        var sources: [any DispatchSourceSignal] = []
        for (number, name) in signals {
            // Ignore the default action so that the source sees the signal instead.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(name) }
            source.resume()
            sources.append(source)
        }
        defer {
            for source in sources { source.cancel() }
        }
        for await name in stream {
            return name
        }
        return "end of signal stream"
    }
}
