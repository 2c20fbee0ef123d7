import CNMAPI
import Testing

@Suite("The RPC table CNMMethods")
struct CNMMethodsTests {
    /// The RPCs of every .proto file of the contract.
    private func declaredRPCs() throws -> [DeclaredRPC] {
        try ContractFiles.protoSources().values.flatMap { try ProtoServiceParser.rpcs(in: $0) }
    }

    /// The table's entries, in the parser's terms.
    private func tableRPCs() -> [DeclaredRPC] {
        CNMMethods.all.map {
            DeclaredRPC(
                service: $0.service, name: $0.name,
                request: $0.requestType.protoMessageName, response: $0.responseType.protoMessageName,
                isStreaming: $0.isStreaming, hasNoSideEffects: $0.hasNoSideEffects)
        }
    }

    @Test("lists exactly the RPCs declared in proto-json/cnm/v1, with their types and options")
    func matchesProtoFiles() throws {
        let declared = try declaredRPCs()
        #expect(!declared.isEmpty, "no rpc found in \(ContractFiles.protoDirectory.path)")
        let table = tableRPCs()
        #expect(Set(table).subtracting(declared).sorted(by: { $0.description < $1.description }) == [])
        #expect(Set(declared).subtracting(table).sorted(by: { $0.description < $1.description }) == [])
        #expect(table.count == declared.count, "the table has duplicates")
    }

    @Test("every method M takes cnm.v1.MRequest and returns cnm.v1.MResponse")
    func requestAndResponseNamesFollowTheMethod() {
        for method in CNMMethods.all {
            #expect(method.requestType.protoMessageName == "cnm.v1.\(method.name)Request")
            #expect(method.responseType.protoMessageName == "cnm.v1.\(method.name)Response")
        }
    }

    @Test("finds each method by its HTTP path /cnm.v1.Service/Method and nothing else")
    func lookupByPath() {
        for method in CNMMethods.all {
            #expect(method.path == "/\(method.service)/\(method.name)")
            #expect(CNMMethods.method(forPath: method.path) == method)
        }
        #expect(CNMMethods.method(forPath: "/cnm.v1.NetworkService/NoSuchMethod") == nil)
        #expect(CNMMethods.method(forPath: "cnm.v1.NetworkService/CreateNetwork") == nil)
    }

    @Test("typed RPC constants carry their message types")
    func typedConstants() {
        #expect(CNMMethods.Network.createNetwork.path == "/cnm.v1.NetworkService/CreateNetwork")
        #expect(CNMMethods.System.watchEvents.method.isStreaming)
        #expect(CNMMethods.Endpoint.listEndpoints.method.hasNoSideEffects)
        #expect(!CNMMethods.Sandbox.deleteSandbox.method.hasNoSideEffects)
    }
}
