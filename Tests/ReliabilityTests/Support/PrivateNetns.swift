import Foundation
import Testing

/// Guards for tests that touch the kernel: they run only inside `scripts/in-private-netns.sh`.
enum PrivateNetns {
    /// Stops the test with a clear message unless `CNM_PRIVATE_NETNS=1` is set, so that no test
    /// ever creates links or namespaces in the host's namespace.
    static func require() throws {
        try #require(
            ProcessInfo.processInfo.environment["CNM_PRIVATE_NETNS"] == "1",
            "kernel test: run it inside /work/main/scripts/in-private-netns.sh (CNM_PRIVATE_NETNS=1 is not set)"
        )
    }

    /// A short tag no parallel test uses, e.g. `r3kq`: the prefix of every namespace, network and
    /// sandbox name a test makes, so that clean-up can find them all. Letters `g`–`z` only, so
    /// that a name is never mistaken for a hexadecimal ID prefix.
    static func uniqueTag(_ kind: Character) -> String {
        let letters = Array("ghjkmpqrtvwxyz")
        var tag = "r\(kind)"
        for _ in 0..<4 { tag.append(letters.randomElement()!) }
        return tag
    }
}
