import Foundation
import Testing

/// The guard of every end-to-end test: they start cnmd, which creates bridges, namespaces and
/// nftables tables, so they run only inside `scripts/in-private-netns.sh`.
enum PrivateNamespace {
    /// Fails the calling test unless `CNM_PRIVATE_NETNS=1` says it runs in a private namespace.
    static func require() throws {
        try #require(
            ProcessInfo.processInfo.environment["CNM_PRIVATE_NETNS"] == "1",
            """
            end-to-end test: cnmd changes the kernel's networking, so run it inside \
            /work/main/scripts/in-private-netns.sh (CNM_PRIVATE_NETNS=1 is not set)
            """)
    }
}
