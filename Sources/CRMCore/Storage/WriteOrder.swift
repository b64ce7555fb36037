/// Rows of several `RowBuffer`s in the order they are to be written (the order a
/// `KeyOrderWindow` sorted them into), without copying them.
struct WriteOrder {
    /// A row: its buffer's position in `buffers` and its row in that buffer.
    struct Row {
        var buffer: Int32
        var row: Int32
    }

    let buffers: [RowBuffer]
    let order: [Row]

    var count: Int { order.count }

    /// The buffer and row of the `position`th row to write.
    subscript(position: Int) -> (buffer: RowBuffer, row: Int) {
        let row = order[position]
        return (buffers[Int(row.buffer)], Int(row.row))
    }
}
