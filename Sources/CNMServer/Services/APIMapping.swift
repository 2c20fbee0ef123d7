import CNMAPI
import CNMCore
import Foundation
import SwiftProtobuf

/// Translation between the wire messages (CNMAPI) and the controller's own types (CNMCore).
/// Field for field, no logic: the controller validates.
enum APIMapping {
    // MARK: requests

    static func filters(_ filters: [String: Cnm_V1_FilterValues]) -> ListFilters {
        filters.mapValues(\.values)
    }

    static func ipamConfigs(_ ipam: Cnm_V1_IPAM) -> [IPAMConfigRequest] {
        ipam.configs.map {
            IPAMConfigRequest(
                subnet: $0.subnet, ipRange: $0.ipRange, gateway: $0.gateway, auxAddresses: $0.auxAddresses)
        }
    }

    static func portBindings(_ bindings: [Cnm_V1_PortBinding]) -> [PortBindingSpec] {
        bindings.map {
            PortBindingSpec(
                hostIP: $0.hostIp, hostPort: $0.hostPort, containerPort: $0.containerPort, proto: $0.protocol)
        }
    }

    // MARK: responses

    static func timestamp(_ date: Date) -> Google_Protobuf_Timestamp {
        Google_Protobuf_Timestamp(date: date)
    }

    static func network(_ info: NetworkInfo) -> Cnm_V1_Network {
        Cnm_V1_Network.with {
            $0.id = info.id
            $0.name = info.name
            $0.driver = info.driver
            $0.scope = info.scope
            $0.ipam = Cnm_V1_IPAM.with { ipam in
                ipam.driver = info.ipamDriver
                ipam.configs = info.ipam.map { config in
                    Cnm_V1_IPAMConfig.with {
                        $0.subnet = config.subnet
                        $0.ipRange = config.ipRange
                        $0.gateway = config.gateway
                        $0.auxAddresses = config.auxAddresses
                    }
                }
            }
            $0.internal = info.isInternal
            $0.enableIpv6 = info.enableIPv6
            $0.labels = info.labels
            $0.options = info.options
            $0.predefined = info.predefined
            $0.createdAt = Self.timestamp(info.createdAt)
            $0.endpoints = info.endpoints.map { summary in
                Cnm_V1_EndpointSummary.with {
                    $0.id = summary.id
                    $0.name = summary.name
                    $0.sandboxID = summary.sandboxID
                    $0.sandboxName = summary.sandboxName
                    $0.ipv4Address = summary.ipv4Address
                    $0.ipv6Address = summary.ipv6Address
                    $0.macAddress = summary.macAddress
                }
            }
        }
    }

    static func endpoint(_ info: EndpointInfo) -> Cnm_V1_Endpoint {
        Cnm_V1_Endpoint.with {
            $0.id = info.id
            $0.name = info.name
            $0.networkID = info.networkID
            $0.networkName = info.networkName
            $0.sandboxID = info.sandboxID
            $0.sandboxName = info.sandboxName
            $0.ipv4Address = info.ipv4Address
            $0.ipv6Address = info.ipv6Address
            $0.macAddress = info.macAddress
            $0.gateway = info.gateway
            $0.ipv6Gateway = info.gatewayIPv6
            $0.aliases = info.aliases
            $0.links = info.links
            $0.interfaceName = info.interfaceName
            $0.hostInterfaceName = info.hostInterfaceName
            $0.portBindings = info.portBindings.map { binding in
                Cnm_V1_PortBinding.with {
                    $0.hostIp = binding.hostIP
                    $0.hostPort = binding.hostPort
                    $0.containerPort = binding.containerPort
                    $0.protocol = binding.proto
                }
            }
        }
    }

    static func sandbox(_ info: SandboxInfo) -> Cnm_V1_Sandbox {
        Cnm_V1_Sandbox.with {
            $0.id = info.id
            $0.name = info.name
            $0.hostname = info.hostname
            $0.netnsPath = info.netnsPath
            $0.external = info.external
            $0.endpoints = info.endpoints
            $0.resolvConfPath = info.resolvConfPath
            $0.hostsPath = info.hostsPath
            $0.createdAt = Self.timestamp(info.createdAt)
        }
    }

    static func event(_ event: ControllerEvent) -> Cnm_V1_Event {
        Cnm_V1_Event.with {
            $0.time = Self.timestamp(event.time)
            $0.type = event.type
            $0.action = event.action
            $0.actor = Cnm_V1_EventActor.with {
                $0.id = event.actorID
                $0.name = event.actorName
                $0.attributes = event.attributes
            }
        }
    }

    static func info(_ info: ControllerInfo) -> Cnm_V1_GetInfoResponse {
        Cnm_V1_GetInfoResponse.with {
            $0.networks = UInt32(clamping: info.networks)
            $0.endpoints = UInt32(clamping: info.endpoints)
            $0.sandboxes = UInt32(clamping: info.sandboxes)
            $0.drivers = info.drivers
            $0.store = info.store
            $0.stateDir = info.stateDir
            if let report = info.lastReconcile {
                $0.lastReconcile = Cnm_V1_ReconcileReport.with {
                    $0.startedAt = Self.timestamp(report.startedAt)
                    $0.durationMs = UInt32(clamping: Int(report.durationMs.rounded()))
                    $0.repaired = report.repaired
                }
            }
        }
    }
}
