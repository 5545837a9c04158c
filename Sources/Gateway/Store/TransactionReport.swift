import Foundation
import OCPP

/// The operator's view of what was charged (`chargemux sessions`): one line per transaction
/// record, as a table, CSV or JSON.
public enum TransactionReport {
    /// The output formats.
    public enum Format: String, CaseIterable, Sendable {
        case table
        case csv
        case json
    }

    /// The columns, in order.
    public static let columns = [
        "chargePoint", "connector", "idTag", "owner", "start", "stop", "meterStart", "meterStop", "energyKWh", "stopReason",
    ]

    /// `records` in `format`, ending with a line break (JSON: an array, one object per record).
    public static func render(_ records: [TransactionRecord], format: Format) -> String {
        switch format {
        case .table: table(records)
        case .csv: csv(records)
        case .json: json(records)
        }
    }

    /// One record's cells, as text; absent values are empty.
    static func cells(_ record: TransactionRecord) -> [String] {
        [
            record.chargePoint, String(record.connectorId), record.idTag, record.owner ?? "",
            RFC3339Time.string(record.startedAt.timeIntervalSince1970),
            record.stoppedAt.map { RFC3339Time.string($0.timeIntervalSince1970) } ?? "",
            String(record.meterStart), record.meterStop.map(String.init) ?? "",
            record.energyKWh.map(kilowattHours) ?? "", record.stopReason ?? "",
        ]
    }

    /// kWh with three decimals (Wh precision).
    static func kilowattHours(_ value: Double) -> String { String(format: "%.3f", value) }

    static func table(_ records: [TransactionRecord]) -> String {
        let headers = ["CHARGE POINT", "CONNECTOR", "ID TAG", "OWNER", "START", "STOP", "METER START", "METER STOP",
                       "ENERGY KWH", "STOP REASON"]
        let rightAligned: Set<Int> = [1, 6, 7, 8]
        let rows = [headers] + records.map(cells)
        let widths = headers.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        var text = rows.map { row in
            var line = headers.indices.map { column in
                let pad = String(repeating: " ", count: widths[column] - row[column].count)
                return rightAligned.contains(column) ? pad + row[column] : row[column] + pad
            }.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n") + "\n"
        let total = records.compactMap(\.energyKWh).reduce(0, +)
        text += "\(records.count) transaction\(records.count == 1 ? "" : "s"), \(kilowattHours(total)) kWh\n"
        return text
    }

    static func csv(_ records: [TransactionRecord]) -> String {
        func field(_ text: String) -> String {
            guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return ([columns] + records.map(cells)).map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    static func json(_ records: [TransactionRecord]) -> String {
        let array = JSONValue.array(records.map { record in
            var object = JSONObject()
            object["chargePoint"] = .string(record.chargePoint)
            object["connector"] = .integer(record.connectorId)
            object["idTag"] = .string(record.idTag)
            object["owner"] = record.owner.map(JSONValue.string) ?? .null
            object["start"] = .string(RFC3339Time.string(record.startedAt.timeIntervalSince1970))
            object["stop"] = record.stoppedAt.map { .string(RFC3339Time.string($0.timeIntervalSince1970)) } ?? .null
            object["meterStart"] = .integer(record.meterStart)
            object["meterStop"] = record.meterStop.map(JSONValue.integer) ?? .null
            object["energyKWh"] = record.energyKWh.map { .number(kilowattHours($0)) } ?? .null
            object["stopReason"] = record.stopReason.map(JSONValue.string) ?? .null
            return .object(object)
        })
        return array.serialized + "\n"
    }
}

extension TransactionReport {
    /// The report of an existing store's transactions matching `query`.
    public static func render(store location: GatewayConfig.StoreLocation, query: TransactionQuery,
                              format: Format) async throws(StoreError) -> String {
        let store = try GatewayStores.open(location, options: .init(createIfMissing: false))
        let records = try await store.transactions(query)
        try await store.close()
        return render(records, format: format)
    }
}
