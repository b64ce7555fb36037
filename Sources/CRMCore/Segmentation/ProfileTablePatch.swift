/// Replaces the rows of some customers of a profile table by rows built again for them: how a
/// kept table catches up with the customers an import, an erasure or a field change touched,
/// without building everyone's profile again.
struct ProfileTablePatch {
    /// A stretch of consecutive rows of one of the two tables.
    struct Run {
        var fromRebuilt: Bool
        var start: Int
        var count: Int
    }

    /// The merged table's rows, in key order, as stretches of the kept and the rebuilt table.
    let runs: [Run]

    /// `kept` rows whose key is not in `changed`, and every `rebuilt` row, in key order (both
    /// tables are in key order; a changed customer missing from `rebuilt` is gone).
    init(kept: [Int64], rebuilt: [Int64], changed: Set<Int64>) {
        var runs: [Run] = []
        func add(_ fromRebuilt: Bool, _ row: Int) {
            if let last = runs.last, last.fromRebuilt == fromRebuilt, last.start + last.count == row {
                runs[runs.count - 1].count += 1
            } else {
                runs.append(Run(fromRebuilt: fromRebuilt, start: row, count: 1))
            }
        }
        var (i, j) = (0, 0)
        while i < kept.count || j < rebuilt.count {
            if j == rebuilt.count || (i < kept.count && kept[i] < rebuilt[j]) {
                if !changed.contains(kept[i]) { add(false, i) }
                i += 1
            } else {
                if i < kept.count && kept[i] == rebuilt[j] { i += 1 }
                add(true, j)
                j += 1
            }
        }
        self.runs = runs
    }

    /// `kept` with the patch applied; `rebuilt` has the same shape and custom fields.
    func apply(kept: ProfileTable, rebuilt: ProfileTable) throws -> ProfileTable {
        var collector = ColumnCollector()
        var source = rebuilt
        try source.visitColumns(&collector)
        var merger = ColumnMerger(rebuilt: collector.columns, runs: runs)
        var table = kept
        try table.visitColumns(&merger)
        return table
    }

    /// Every column of a table by name, as it is (arrays are not copied).
    private struct ColumnCollector: ProfileColumnVisitor {
        var columns: [String: Any] = [:]

        mutating func visit<Value: BitwiseCopyable>(_ name: String, _ values: inout [Value], perCustomer: Int) throws {
            columns[name] = values
        }
        mutating func visit(_ name: String, _ column: inout TextColumn) throws { columns[name] = column }
        mutating func visit(_ name: String, texts: inout [String]) throws { columns[name] = texts }
        mutating func visit(_ name: String, _ column: inout ProfileColumn) throws { columns[name] = column }
    }

    /// Replaces each column of the kept table by its merge with the rebuilt table's.
    private struct ColumnMerger: ProfileColumnVisitor {
        let rebuilt: [String: Any]
        let runs: [Run]

        func merged<Value>(_ kept: [Value], _ rebuilt: [Value], perCustomer: Int) -> [Value] {
            var result: [Value] = []
            result.reserveCapacity(runs.reduce(0) { $0 + $1.count } * perCustomer)
            for run in runs {
                let range = run.start * perCustomer..<(run.start + run.count) * perCustomer
                result.append(contentsOf: run.fromRebuilt ? rebuilt[range] : kept[range])
            }
            return result
        }

        func other<T>(_ name: String, as: T.Type) throws -> T {
            guard let column = rebuilt[name] as? T else {
                throw CRMError.internalInconsistency("profile column \(name) is missing from the rebuilt rows")
            }
            return column
        }

        mutating func visit<Value: BitwiseCopyable>(_ name: String, _ values: inout [Value], perCustomer: Int) throws {
            values = merged(values, try other(name, as: [Value].self), perCustomer: perCustomer)
        }

        mutating func visit(_ name: String, texts: inout [String]) throws {
            texts = merged(texts, try other(name, as: [String].self), perCustomer: 1)
        }

        mutating func visit(_ name: String, _ column: inout TextColumn) throws {
            let other = try other(name, as: TextColumn.self)
            // The rebuilt rows' texts get codes of the kept column (new texts are added to it).
            let recode = other.distinctTexts.map { column.intern($0) }
            let codes = other.rowCodes.map { $0 < 0 ? $0 : recode[Int($0)] }
            column.replaceRowCodes(merged(column.rowCodes, codes, perCustomer: 1))
        }

        mutating func visit(_ name: String, _ column: inout ProfileColumn) throws {
            let other = try other(name, as: ProfileColumn.self)
            column = ProfileColumn(
                merging: column, other, { merged($0, $1, perCustomer: 1) }, { merged($0, $1, perCustomer: 1) })
        }
    }
}
