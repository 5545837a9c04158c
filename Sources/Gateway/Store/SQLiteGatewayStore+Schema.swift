import GRDB

extension SQLiteGatewayStore {
    /// The schema's migrations, in order. A migration, once released, never changes: a change is a
    /// new migration. Times are milliseconds since 1970 (UTC); payloads are JSON text.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: transactions, charge point state, outbound queue, snapshots") { db in
            try db.execute(sql: """
                CREATE TABLE transaction_record (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    charge_point TEXT NOT NULL,
                    connector_id INTEGER NOT NULL,
                    id_tag TEXT NOT NULL,
                    started_at INTEGER NOT NULL,
                    meter_start INTEGER NOT NULL,
                    owner_backend TEXT,
                    charge_point_transaction_id INTEGER,
                    stopped_at INTEGER,
                    meter_stop INTEGER,
                    stop_reason TEXT,
                    recorded_at INTEGER NOT NULL,
                    UNIQUE (charge_point, connector_id, id_tag, started_at)
                );
                CREATE INDEX transaction_record_by_charge_point_id
                    ON transaction_record (charge_point, charge_point_transaction_id);
                CREATE INDEX transaction_record_by_stop ON transaction_record (stopped_at);

                CREATE TABLE transaction_backend_id (
                    transaction_record_id INTEGER NOT NULL REFERENCES transaction_record (id) ON DELETE CASCADE,
                    backend TEXT NOT NULL,
                    backend_transaction_id INTEGER NOT NULL,
                    PRIMARY KEY (transaction_record_id, backend)
                );

                CREATE TABLE boot_notification (
                    charge_point TEXT PRIMARY KEY,
                    payload TEXT NOT NULL,
                    received_at INTEGER NOT NULL
                );

                CREATE TABLE status_notification (
                    charge_point TEXT NOT NULL,
                    connector_id INTEGER NOT NULL,
                    payload TEXT NOT NULL,
                    received_at INTEGER NOT NULL,
                    PRIMARY KEY (charge_point, connector_id)
                );

                CREATE TABLE outbound_message (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                    charge_point TEXT NOT NULL,
                    backend TEXT NOT NULL,
                    message_id TEXT NOT NULL UNIQUE,
                    action TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    enqueued_at INTEGER NOT NULL,
                    transaction_record_id INTEGER REFERENCES transaction_record (id) ON DELETE SET NULL
                );
                CREATE INDEX outbound_message_by_queue ON outbound_message (charge_point, backend, sequence);
                CREATE INDEX outbound_message_by_age ON outbound_message (backend, enqueued_at);

                CREATE TABLE outbound_drop_count (
                    charge_point TEXT NOT NULL,
                    backend TEXT NOT NULL,
                    reason TEXT NOT NULL CHECK (reason IN ('length', 'age')),
                    dropped INTEGER NOT NULL,
                    last_dropped_at INTEGER NOT NULL,
                    PRIMARY KEY (charge_point, backend, reason)
                );

                CREATE TABLE session_snapshot (
                    charge_point TEXT PRIMARY KEY,
                    snapshot TEXT NOT NULL,
                    saved_at INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("v2: the responder leg's message id of a StartTransaction") { db in
            try db.execute(sql: "ALTER TABLE transaction_record ADD COLUMN responder_message_id TEXT")
        }
        return migrator
    }
}
