import NIOCore

/// Delivers events to call control (``CallHandling``) in order per call, off the event loop.
///
/// Each event is a task that first awaits the previous event of the same call, so call control
/// sees `incomingCall`, `callEstablished`, `dtmf`… `callEnded` in the order they happened, while
/// a slow decision for one call never delays another. Confined to the SIP event loop; `drain()`
/// lets `stop()` wait for what is still being delivered.
final class SIPCallNotifier {
    private let handler: any CallHandling
    private let loop: any EventLoop
    private var tails: [String: (token: UInt64, task: Task<Void, Never>)] = [:]
    private var nextToken: UInt64 = 0

    init(handler: any CallHandling, loop: any EventLoop) {
        self.handler = handler
        self.loop = loop
    }

    /// Runs `work` after every earlier event of `callID` has been delivered.
    func enqueue(callID: String, _ work: @escaping @Sendable (any CallHandling) async -> Void) {
        loop.preconditionInEventLoop()
        nextToken &+= 1
        let token = nextToken
        let previous = tails[callID]?.task
        let handler = self.handler
        let loop = self.loop
        let bound = NIOLoopBound(self, eventLoop: loop)
        let task = Task {
            await previous?.value
            await work(handler)
            loop.execute { bound.value.finished(callID: callID, token: token) }
        }
        tails[callID] = (token, task)
    }

    /// Every delivery still running.
    var pendingTasks: [Task<Void, Never>] {
        tails.values.map(\.task)
    }

    private func finished(callID: String, token: UInt64) {
        if tails[callID]?.token == token {
            tails.removeValue(forKey: callID)
        }
    }
}
