import Firewall
import IPAM
import Netlink
import Store

extension CNMError {
    /// Classifies any error from the layers below as a `CNMError`, keeping its text.
    static func wrapping(_ error: any Error, operation: String) -> CNMError {
        switch error {
        case let error as CNMError:
            return error
        case let error as IPAMError:
            return CNMError(code(of: error.kind), error.message)
        case let error as NetlinkError:
            return CNMError(.internalError, "\(operation): \(error)")
        case let error as FirewallError:
            return CNMError(code(of: error), "\(operation): \(error)")
        case let error as StoreError:
            return CNMError(.internalError, "\(operation): \(error)")
        default:
            return CNMError(.internalError, "\(operation): \(error)")
        }
    }

    private static func code(of error: FirewallError) -> Code {
        switch error {
        case .portAlreadyAllocated: .alreadyExists
        case .invalidBridgeName, .invalidAddress, .invalidPort, .familyMismatch, .addressOutsideNetwork:
            .invalidArgument
        case .internalNetwork, .networkHasPorts, .unknownNetwork: .failedPrecondition
        default: .internalError
        }
    }

    private static func code(of kind: IPAMError.Kind) -> Code {
        switch kind {
        case .invalidArgument: .invalidArgument
        case .overlap: .failedPrecondition
        case .inUse: .alreadyExists
        case .exhausted: .resourceExhausted
        case .notFound: .notFound
        }
    }
}
