import CNMClient

/// CNMClient's error, named so that files importing CNMCore (which has a `CNMError` of its
/// own) can refer to it.
typealias ClientError = CNMError
