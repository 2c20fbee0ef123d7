import Firewall
import Foundation
import Netlink

/// Start-up reconciliation: the store is the model, the kernel the second copy of
/// the truth. What the store has and the kernel lost is recreated; kernel objects
/// marked as cnmd's (`ifalias cnm:<id>`) that the store does not know are removed.
extension Controller {
    func reconcile() throws -> [String] {
        var repaired: [String] = []
        let links = try kernel.socket.links()
        let linkNames = Set(links.map(\.name))
        let bridge = BridgeDriver(kernel: kernel, logger: logger)

        for network in networks.values.sorted(by: { $0.name < $1.name }) where network.driver == "bridge" {
            guard let bridgeName = network.bridgeName else { continue }
            if !linkNames.contains(bridgeName) {
                repaired.append("recreated bridge \(bridgeName) of network \(network.name)")
            }
            try bridge.createNetwork(network)
        }

        repaired += try reconcileFirewall()

        var owners: [String: String] = [:]
        for network in networks.values { if let name = network.bridgeName { owners[network.id] = name } }
        for endpoint in endpoints.values {
            if let name = endpoint.hostInterfaceName { owners[endpoint.id] = name }
        }
        for link in links {
            guard let alias = link.alias, alias.hasPrefix("cnm:") else { continue }
            let owner = String(alias.dropFirst(4))
            if owners[owner] == link.name { continue }
            try? kernel.socket.deleteLink(index: link.index)
            repaired.append("removed orphan interface \(link.name) (\(alias))")
        }

        for sandbox in sandboxes.values.sorted(by: { $0.name < $1.name }) where sandbox.mode != .host {
            if FileManager.default.fileExists(atPath: sandbox.netnsPath) {
                refreshSandboxFiles(sandbox)
                continue
            }
            if sandbox.external {
                try releaseVanishedSandbox(sandbox)
                repaired.append(
                    "released sandbox \(sandbox.name): its namespace \(sandbox.netnsPath) is gone")
            } else {
                try releaseVanishedSandbox(sandbox)
                repaired.append(
                    "removed sandbox \(sandbox.name): its namespace \(sandbox.netnsPath) was deleted")
            }
        }
        for entry in repaired { logger.notice("reconcile: \(entry)") }
        return repaired
    }

    /// Drops a sandbox whose namespace no longer exists, with its endpoints.
    private func releaseVanishedSandbox(_ sandbox: SandboxRecord) throws {
        let members = sandbox.endpointIDs.compactMap { endpoints[$0] }
        for member in members {
            if let name = member.hostInterfaceName, let link = try kernel.socket.link(named: name) {
                try? kernel.socket.deleteLink(index: link.index)
            }
        }
        try store.write { transaction in
            for member in members { try transaction.deleteEndpoint(member.id) }
            try transaction.deleteSandbox(sandbox.id)
        }
        for member in members {
            endpoints[member.id] = nil
            addresses.releaseEndpoint(member)
        }
        sandboxes[sandbox.id] = nil
        SandboxFiles.remove(sandbox)
    }

    /// Removes firewall elements of networks and ports the store does not know, and
    /// adds the published ports of joined endpoints (networks were added with their bridges).
    private func reconcileFirewall() throws -> [String] {
        let endpoints = endpoints
        let bridgeNetworks = networks.values.filter { $0.driver == "bridge" }
        return try kernel.withFirewall { firewall in
            var repaired: [String] = []
            let bridges = Set(bridgeNetworks.compactMap(\.bridgeName))
            for network in firewall.networks where !bridges.contains(network.bridge) {
                try firewall.removeNetwork(bridge: network.bridge)
                repaired.append("removed firewall elements of unknown bridge \(network.bridge)")
            }
            for network in bridgeNetworks {
                guard let bridge = network.bridgeName else { continue }
                let joined = endpoints.values.filter { $0.networkID == network.id && $0.sandboxID != nil }
                let wanted = Set(joined.flatMap(BridgeDriver.firewallBindings))
                let present = Set(firewall.portBindings(bridge: bridge))
                let stale = present.subtracting(wanted)
                if !stale.isEmpty {
                    try firewall.removePortBindings(Array(stale))
                    repaired.append("removed \(stale.count) stale published port(s) of \(bridge)")
                }
                let missing = wanted.subtracting(present)
                if !missing.isEmpty {
                    try firewall.addPortBindings(Array(missing), bridge: bridge)
                    repaired.append("republished \(missing.count) port(s) on \(bridge)")
                }
            }
            return repaired
        } ?? []
    }
}
