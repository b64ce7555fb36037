import Foundation

/// Validated rows of one statement, with what reading them found: the unit an import's parser
/// thread hands to its writer.
final class RecordBatch: @unchecked Sendable {
    let rows: RowBuffer
    var problems: [ImportProblem] = []
    var warnings: [ImportProblem] = []
    var fieldWrites: [FieldWrite] = []
    var tagWrites: [TagWrite] = []

    init(width: Int, rows: Int) {
        self.rows = RowBuffer(width: width, rows: rows)
    }

    var isEmpty: Bool { rows.rowCount == 0 && problems.isEmpty && warnings.isEmpty }

    func clear() {
        rows.removeAll()
        problems.removeAll(keepingCapacity: true)
        warnings.removeAll(keepingCapacity: true)
        fieldWrites.removeAll(keepingCapacity: true)
        tagWrites.removeAll(keepingCapacity: true)
    }
}

/// Batches handed to the writer at once; with an `order`, a window of rows sorted by key
/// (`KeyOrderWindow`), written in that order and reported as one.
struct BatchGroup {
    var batches: [RecordBatch]
    var order: [WriteOrder.Row]?
}

/// A bounded queue of batches from one parser thread to one writer, handed over in groups (one
/// lock and wake-up per group, not per 100 rows), with the emptied batches going back for
/// reuse. Bounded, so memory stays flat when the writer is the slower side.
final class BatchQueue: @unchecked Sendable {
    /// Batches handed over at once.
    static let groupSize = 8
    private let condition = NSCondition()
    private let capacity: Int
    private var full: [BatchGroup] = []
    /// Pops so far: a sorted window waits until the writer took it.
    private var taken = 0
    private var head = 0
    private var free: [RecordBatch] = []
    private var closed = false
    private var cancelled = false
    private var refusals = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Hands `group` to the writer, waiting while the queue is full. A sorted window waits for
    /// an empty queue and until the writer took it, so the parser reads the next window while
    /// this one is written and no more than two are in memory. False when the writer gave up
    /// (then the parser stops).
    func push(_ group: BatchGroup) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let window = group.batches.count > Self.groupSize
        while (window ? full.count > head : full.count - head >= capacity) && !cancelled { condition.wait() }
        if cancelled { return false }
        full.append(group)
        let position = taken + full.count - head
        condition.broadcast()
        while window && taken < position && !cancelled { condition.wait() }
        return !cancelled
    }

    /// The next group of batches, waiting for one; nil once the parser closed the queue and
    /// every group was taken, or after `cancel()`.
    func pop() -> BatchGroup? {
        condition.lock()
        defer { condition.unlock() }
        while head == full.count && !closed && !cancelled { condition.wait() }
        if cancelled || head == full.count { return nil }
        let group = full[head]
        head += 1
        taken += 1
        if head > 64 {
            full.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return group
    }

    /// The parser is done: no more batches.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// The writer is done (or failed): the parser stops at its next batch.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    /// Gives written batches back for the parser to refill.
    func recycle(_ group: BatchGroup) {
        for batch in group.batches { batch.clear() }
        condition.lock()
        free += group.batches
        condition.unlock()
    }

    /// A batch to fill: a recycled one, or a new one.
    func take(width: Int, rows: Int) -> RecordBatch {
        condition.lock()
        defer { condition.unlock() }
        return free.popLast() ?? RecordBatch(width: width, rows: rows)
    }

    /// The writer's count of rows the database refused so far (duplicate ids), which count
    /// towards the problems after which an all-or-nothing import stops reading.
    func noteRefusals(_ count: Int) {
        condition.lock()
        refusals = count
        condition.unlock()
    }

    var refusalCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return refusals
    }
}

/// The parser side of an import: reads records from the mapped file, validates and maps them
/// into batches of rows (`RecordMapper`), and hands each batch to the writer. Runs on its own
/// thread; everything it touches is its own until it has closed the queue.
final class RecordParser: @unchecked Sendable {
    private let reader: CSVReader
    private let path: String
    private let kind: RecordKind
    private let options: ImportOptions
    private let positions: ColumnPositions
    private let customFields: [CustomField]
    private let fieldColumns: [CustomField]
    private let mapper: any RecordMapper
    private let keys: TextKeys
    private let width: Int
    private let rowsPerBatch: Int
    private let runID: Int64
    /// Rows out of key order are held here and written sorted (nil for customers).
    private let window: KeyOrderWindow?

    private(set) var recordsRead = 0
    private(set) var stoppedEarly = false
    private(set) var error: Error?
    /// Problems this parser found (the writer adds the refused rows).
    private var problemCount = 0

    init(
        pass: ImportPass, mapper: any RecordMapper, keys: TextKeys, width: Int, rowsPerBatch: Int, runID: Int64,
        window: KeyOrderWindow?
    ) {
        reader = pass.reader
        path = pass.path
        kind = pass.kind
        options = pass.options
        positions = pass.positions
        customFields = pass.customFields
        fieldColumns = pass.fieldColumns
        self.mapper = mapper
        self.keys = keys
        self.width = width
        self.rowsPerBatch = rowsPerBatch
        self.runID = runID
        self.window = window
    }

    /// Reads the whole file (or until an all-or-nothing import has enough problems) into `queue`.
    func produce(into queue: BatchQueue) {
        defer { queue.close() }
        var group: [RecordBatch] = []
        var batch = queue.take(width: width, rows: rowsPerBatch)
        do {
            while true {
                if !options.skipInvalid && problemCount + queue.refusalCount >= options.maxProblems {
                    stoppedEarly = hasMoreInput()
                    break
                }
                let record: CSVRecord?
                do {
                    record = try reader.next()
                } catch {
                    report(ImportProblem(file: path, line: error.line, reason: error.reason), in: batch)
                    if error.isFatal { break }
                    recordsRead += 1
                    continue
                }
                guard let record else { break }
                recordsRead += 1
                if let progress = options.progress, recordsRead % options.progressInterval == 0 {
                    // A spilled file is gone over twice: read, then its runs merged and written.
                    progress.update(count: recordsRead, done: window?.spills == true ? reader.bytesRead / 2 : reader.bytesRead)
                }
                var fields = FieldReader(file: path, record: record, positions: positions)
                batch.rows.beginRow(line: record.line)
                mapper.map(&fields, into: batch.rows, keys: keys, warnings: &batch.warnings)
                let fieldWrites = customFieldWrites(&fields)
                let tagWrite = kind == .customers ? Self.tags(&fields, clearEmpty: options.clearEmpty) : nil
                if fields.problems.isEmpty {
                    batch.fieldWrites += fieldWrites
                    if let tagWrite { batch.tagWrites.append(tagWrite) }
                    try batch.rows.endImportRow(runID: runID)
                    if batch.rows.rowCount == rowsPerBatch {
                        guard try hand(batch, in: &group, to: queue) else { return }
                        batch = queue.take(width: width, rows: rowsPerBatch)
                    }
                } else {
                    batch.rows.discardRow()
                    for problem in fields.problems { report(problem, in: batch) }
                }
            }
            if !batch.isEmpty { guard try hand(batch, in: &group, to: queue) else { return } }
            if let window {
                let take = { queue.take(width: self.width, rows: self.rowsPerBatch) }
                var merged = 0
                let half = reader.byteCount / 2
                let emitted = try window.finish(take: take) { ready in
                    if let progress = self.options.progress, window.spills {
                        merged += ready.batches.reduce(0) { $0 + $1.rows.rowCount }
                        progress.update(count: self.recordsRead, done: half + min(half, half * merged / max(1, self.recordsRead)))
                    }
                    return self.emit(ready, in: &group, to: queue)
                }
                guard emitted else { return }
            }
            if !group.isEmpty { _ = queue.push(BatchGroup(batches: group)) }
        } catch {
            self.error = error
        }
    }

    /// Adds a filled batch to `group` and pushes the group once full; through the window, which
    /// may hold the batch back and hands over a sorted window as a group of its own. False when
    /// the writer gave up.
    private func hand(_ batch: RecordBatch, in group: inout [RecordBatch], to queue: BatchQueue) throws -> Bool {
        guard let window else { return emit(BatchGroup(batches: [batch]), in: &group, to: queue) }
        let take = { queue.take(width: self.width, rows: self.rowsPerBatch) }
        return try window.admit(batch, take: take, emit: { emit($0, in: &group, to: queue) })
    }

    /// A single batch joins `group` (pushed once full); any other group goes on its own, after it.
    private func emit(_ ready: BatchGroup, in group: inout [RecordBatch], to queue: BatchQueue) -> Bool {
        if ready.order == nil && ready.batches.count == 1 {
            group += ready.batches
            return pushIfFull(&group, to: queue)
        }
        guard group.isEmpty || queue.push(BatchGroup(batches: group)) else { return false }
        group = []
        return queue.push(ready)
    }

    private func pushIfFull(_ group: inout [RecordBatch], to queue: BatchQueue) -> Bool {
        guard group.count == BatchQueue.groupSize else { return true }
        defer { group = [] }
        return queue.push(BatchGroup(batches: group))
    }

    private func report(_ problem: ImportProblem, in batch: RecordBatch) {
        problemCount += 1
        batch.problems.append(problem)
    }

    private func hasMoreInput() -> Bool {
        do {
            return try reader.next() != nil
        } catch {
            return true
        }
    }

    /// Checks the record's custom field cells; each bad one adds a problem to `fields`.
    func customFieldWrites(_ fields: inout FieldReader) -> [(line: Int, customerID: String, field: String, json: String?)] {
        guard !customFields.isEmpty, let id = fields.bytes("id") else { return [] }
        let customerID = String(decoding: id, as: UTF8.self)
        var writes: [(line: Int, customerID: String, field: String, json: String?)] = []
        for field in fieldColumns {
            guard let bytes = fields.bytes(field.name) else { continue }
            // An empty cell leaves the stored value alone unless --clear-empty (a required field still needs one).
            if bytes.isEmpty && !options.clearEmpty && !field.definition.required { continue }
            switch field.check(String(decoding: bytes, as: UTF8.self)) {
            case .success(let value): writes.append((fields.line, customerID, field.name, value?.json))
            case .failure(let problem): fields.report(field.name, problem.reason)
            }
        }
        return writes
    }

    /// The record's `tags` cell: tags separated by commas, each without surrounding spaces and
    /// at most 64 characters; an empty cell leaves the tags alone (no tags with `--clear-empty`).
    /// Nil without a `tags` column.
    private static func tags(_ fields: inout FieldReader, clearEmpty: Bool) -> (line: Int, customerID: String, tags: [String])? {
        guard let cell = fields.bytes("tags"), let id = fields.bytes("id"), !cell.isEmpty || clearEmpty else { return nil }
        let text = String(decoding: cell, as: UTF8.self)
        let tags = text.isEmpty ? [] : text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        for tag in tags {
            if tag.isEmpty {
                fields.report("tags", "\(ValueError.quoted(text)) has an empty tag; separate tags with single commas")
            } else if tag.first == " " || tag.last == " " {
                fields.report("tags", "tag \(ValueError.quoted(tag)) has leading or trailing spaces")
            } else if tag.count > 64 {
                fields.report("tags", "tag \(ValueError.quoted(String(tag.prefix(20)) + "…")) is longer than 64 characters")
            }
        }
        return (fields.line, String(decoding: id, as: UTF8.self), Array(Set(tags)).sorted())
    }

}
