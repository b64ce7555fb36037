import Foundation

/// One of the threads of a profile build on two cores (`ProfileBuilder.build`): builds a table
/// of the chunks of customers it is handed, in the order handed.
final class ProfileChunkAppender: @unchecked Sendable {
    let queue = ChunkQueue()
    private let builder: ProfileBuilder
    private let categories: [String]
    private let reserving: Int
    private var table: ProfileTable?
    private let done = DispatchSemaphore(value: 0)

    init(builder: ProfileBuilder, categories: [String], reserving: Int) {
        self.builder = builder
        self.categories = categories
        self.reserving = reserving
    }

    func start() {
        let thread = Thread { [self] in
            var table = builder.emptyTable(reserving: reserving)
            var scratch = ProfileBuilder.Scratch(categories: categories, shape: builder.shape)
            while let chunk = queue.pop() {
                chunk.forEach { customer, orders, interactions in
                    builder.append(customer, orders: orders, interactions: interactions, to: &table, scratch: &scratch)
                }
            }
            self.table = table
            done.signal()
        }
        thread.name = "crm profile build"
        thread.start()
    }

    /// The table, once the queue is closed and every chunk appended.
    func finish() -> ProfileTable {
        done.wait()
        return table ?? builder.emptyTable(reserving: 0)
    }

    /// Chunks waiting for the appender: at most two, so the reading thread stays at most two
    /// chunks ahead.
    final class ChunkQueue: @unchecked Sendable {
        private let condition = NSCondition()
        private var chunks: [ProfileQueries.ActivityChunk] = []
        private var closed = false

        func push(_ chunk: ProfileQueries.ActivityChunk) {
            condition.lock()
            defer { condition.unlock() }
            while chunks.count >= 2 && !closed { condition.wait() }
            chunks.append(chunk)
            condition.broadcast()
        }

        func pop() -> ProfileQueries.ActivityChunk? {
            condition.lock()
            defer { condition.unlock() }
            while chunks.isEmpty && !closed { condition.wait() }
            guard !chunks.isEmpty else { return nil }
            condition.broadcast()
            return chunks.removeFirst()
        }

        func close() {
            condition.lock()
            closed = true
            condition.broadcast()
            condition.unlock()
        }
    }
}
