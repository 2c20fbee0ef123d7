import Testing

/// Every test that touches the kernel, serialized: they share the private namespace's `inet cnm`
/// table. Each test starts from an empty cnm table and removes it when done.
@Suite("Firewall in a private network namespace", .serialized, .timeLimit(.minutes(1)))
struct KernelTests {}
