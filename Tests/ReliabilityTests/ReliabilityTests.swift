import Testing

/// Reliability of the real cnmd binary: crash safety under kill -9, concurrency, hostile input,
/// access and reconciliation time. Each test runs cnmd in a network namespace of its own; the
/// suites run one after another so that their figures do not disturb each other.
@Suite("Reliability of the real cnmd", .serialized)
struct ReliabilityTests {}
