import Foundation
import Gateway
import OCPP
import Testing

/// A store in its own temporary folder, removed with the value.
final class StoreFixture {
    let directory = TemporaryDirectory(files: [], folders: [])
    /// The database file's path.
    var path: String { directory.path + "/store.db" }

    /// Opens (or reopens) the store at ``path``.
    func open(_ options: SQLiteGatewayStore.Options = .init()) throws -> SQLiteGatewayStore {
        try SQLiteGatewayStore(path: path, options: options)
    }

    /// The size of a file in the folder, 0 if absent.
    func size(of name: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: directory.path + "/" + name))?[.size] as? NSNumber)?.intValue ?? 0
    }
}

/// 2027-02-06T10:00:00Z plus `seconds`.
func storeTime(_ seconds: Double = 0) -> Date { Date(timeIntervalSince1970: 1_801_908_000 + seconds) }

/// A MeterValues draft for `backend` of `chargePoint`.
func meterDraft(_ index: Int, chargePoint: String = "CP-1", backend: String = "billing", at seconds: Double = 0,
                messageId: String? = nil) -> OutboundDraft {
    OutboundDraft(queue: QueueKey(chargePoint: chargePoint, backend: backend), action: "MeterValues",
                  payload: ["connectorId": 1, "index": .integer(index)], enqueuedAt: storeTime(seconds), messageId: messageId)
}

/// A start on connector 1 of `chargePoint` by `idTag` at `storeTime(seconds)`.
func start(_ chargePoint: String = "CP-1", connector: Int = 1, idTag: String = "a1b2c3d4e5f6", at seconds: Double = 0,
           meterStart: Int = 1000, owner: String? = "billing", chargePointTransactionId: Int? = nil,
           backendIds: [String: Int] = [:]) -> TransactionStart {
    TransactionStart(chargePoint: chargePoint, connectorId: connector, idTag: idTag, startedAt: storeTime(seconds),
                     meterStart: meterStart, owner: owner, chargePointTransactionId: chargePointTransactionId,
                     backendIds: backendIds)
}

/// Expects `body` to throw a ``StoreError`` with `code`; returns it.
@discardableResult
func expectStoreError<T>(_ code: StoreError.Code, sourceLocation: SourceLocation = #_sourceLocation,
                         _ body: () async throws -> T) async -> StoreError? {
    do {
        _ = try await body()
        Issue.record("expected a store error [\(code)], got none", sourceLocation: sourceLocation)
        return nil
    } catch let error as StoreError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected a store error [\(code)], got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
