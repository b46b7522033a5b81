internal import Foundation

/// A FIFO mutex for async code (no thread blocks while waiting).
final class AsyncLock: @unchecked Sendable {
    private let mutex = NSLock()
    private var held = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func lock() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            mutex.lock()
            if held {
                waiters.append(c)
                mutex.unlock()
            } else {
                held = true
                mutex.unlock()
                c.resume()
            }
        }
    }

    func unlock() {
        mutex.lock()
        if waiters.isEmpty {
            held = false
            mutex.unlock()
        } else {
            let next = waiters.removeFirst()
            mutex.unlock()
            next.resume()  // the lock passes on, still held
        }
    }
}
