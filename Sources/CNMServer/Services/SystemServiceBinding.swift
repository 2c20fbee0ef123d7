import CNMAPI
import CNMCore

/// `cnm.v1.SystemService`: version, info, health, and the event stream.
struct SystemServiceBinding: Sendable {
    let controller: Controller
    let version: DaemonVersion

    func register(in router: inout ConnectRouter) {
        let controller = self.controller
        let version = self.version
        // Version and health answer from constants: on the event loop, without a task.
        router.synchronousUnary(CNMMethods.System.getVersion) { _ in
            Cnm_V1_GetVersionResponse.with {
                $0.version = version.version
                $0.apiVersion = version.apiVersion
                $0.gitCommit = version.gitCommit
            }
        }
        router.unary(CNMMethods.System.getInfo) { _ in
            APIMapping.info(await controller.info())
        }
        router.synchronousUnary(CNMMethods.System.health) { _ in
            Cnm_V1_HealthResponse.with { $0.status = "SERVING" }
        }
        router.serverStreaming(CNMMethods.System.watchEvents) { request, stream in
            let filter = EventFilter(request.filters.mapValues(\.values))
            let since = request.hasSince ? request.since.date : nil
            // The stream ends when the task is cancelled: the client left or the server stops.
            for await event in controller.events(since: since) where filter.matches(event) {
                try await stream.send(Cnm_V1_WatchEventsResponse.with { $0.event = APIMapping.event(event) })
            }
        }
    }
}
