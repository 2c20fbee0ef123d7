import CNFTables
import Synchronization

/// One long-lived libnftables context (`nft_ctx`), serialized by a mutex.
///
/// The context's netlink socket is opened in `init`, so it is bound for its whole life to the
/// network namespace of the thread that creates it: create it on a thread that is in the
/// namespace to configure (cnmd creates one at startup, in its own namespace). After that it can
/// be used from any thread; calls are serialized. Every call blocks on the kernel (~0.1 ms for a
/// small transaction), so call it off the NIO event loops.
///
/// Keep one for the life of the process: freeing a context after a commit costs ~12 ms of kernel
/// work (see reference/libnl.md), which is why this type is not created per change.
public final class NFTContext: Sendable {
    /// The C context and the number of commands run, only touched with the lock held.
    private struct State {
        let ctx: OpaquePointer
        var transactions = 0
    }

    private let state: Mutex<State>

    /// Creates a context bound to the calling thread's network namespace, with output and error
    /// messages captured in buffers instead of being printed.
    public init() throws(NFTError) {
        guard let ctx = nft_ctx_new(UInt32(NFT_CTX_DEFAULT)) else {
            throw NFTError(script: "", message: "nft_ctx_new failed", code: -1)
        }
        guard nft_ctx_buffer_output(ctx) == 0, nft_ctx_buffer_error(ctx) == 0 else {
            nft_ctx_free(ctx)
            throw NFTError(script: "", message: "cannot buffer nft output", code: -1)
        }
        state = Mutex(State(ctx: ctx))
    }

    deinit {
        state.withLock { nft_ctx_free($0.ctx) }
    }

    /// Runs `script` (nft syntax, one command per line) as one atomic transaction: either every
    /// command takes effect or none does.
    ///
    /// - Parameters:
    ///   - script: nft commands, for example `add element inet cnm s { "br0" }`.
    ///   - json: print listings as nft JSON (`nft -j`) instead of nft syntax.
    /// - Returns: what nft printed (listings); empty for most changes.
    /// - Throws: `NFTError` with nft's own error text when nft rejects the script.
    @discardableResult
    public func run(_ script: String, json: Bool = false) throws(NFTError) -> String {
        let result: Result<String, NFTError> = state.withLock { state in
            state.transactions += 1
            let ctx = state.ctx
            let flags = nft_ctx_output_get_flags(ctx)
            let jsonFlag = UInt32(NFT_CTX_OUTPUT_JSON)
            if json { nft_ctx_output_set_flags(ctx, flags | jsonFlag) }
            defer { if json { nft_ctx_output_set_flags(ctx, flags) } }
            let rc = nft_run_cmd_from_buffer(ctx, script)
            // Reading a buffer also rewinds it, so both are read after every command.
            let output = nft_ctx_get_output_buffer(ctx).map { String(cString: $0) } ?? ""
            let errors = nft_ctx_get_error_buffer(ctx).map { String(cString: $0) } ?? ""
            guard rc == 0 else {
                return .failure(NFTError(script: script, message: errors, code: rc))
            }
            return .success(output)
        }
        return try result.get()
    }

    /// How many times `run` was called on this context: each call is one nft transaction
    /// (listings included).
    public var transactionCount: Int {
        state.withLock { $0.transactions }
    }
}

/// nft rejected a script; `message` is nft's own error text (with its caret diagnostics).
public struct NFTError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The script that failed.
    public let script: String
    /// nft's error buffer, for example `Error: No such file or directory; did you mean ...`.
    public let message: String
    /// The return code of `nft_run_cmd_from_buffer`.
    public let code: Int32

    public var description: String {
        let text = message.trimmingSuffixWhitespace()
        return "nft transaction failed (rc \(code)): \(text.isEmpty ? "no error text" : text)"
    }
}

extension String {
    fileprivate func trimmingSuffixWhitespace() -> String {
        var s = Substring(self)
        while let last = s.last, last.isWhitespace { s.removeLast() }
        return String(s)
    }
}
