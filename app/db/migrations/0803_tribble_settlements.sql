-- Tribble merchant settlements (payouts of the merchant balance on the settlement schedule).
CREATE TABLE IF NOT EXISTS tribble_settlements (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL,
    currency TEXT NOT NULL,
    amount INTEGER NOT NULL,
    fee INTEGER NOT NULL DEFAULT 0,
    journal_id INTEGER,
    settled_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_tribble_settlements_merchant ON tribble_settlements (merchant_id, settled_at);
