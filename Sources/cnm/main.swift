import CNMCLIKit

// The commands live in CNMCLIKit so that their parsing and formatting can be unit-tested.
await CNMCommand.runFromCommandLine()
