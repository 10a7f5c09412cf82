-- Tribble disputes and their evidence files (part 2).
CREATE TABLE IF NOT EXISTS tribble_disputes (
    id TEXT PRIMARY KEY,
    transaction_id TEXT NOT NULL,
    customer_user_id INTEGER NOT NULL,
    merchant_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    resolution TEXT,
    hold_id INTEGER,
    refund_id TEXT,
    refund_amount INTEGER,
    journal_id INTEGER,
    notes TEXT,
    deadline REAL NOT NULL,
    merchant_response_deadline REAL NOT NULL,
    investigation_started_at REAL,
    created_at REAL NOT NULL,
    resolved_at REAL
);
CREATE INDEX IF NOT EXISTS ix_tribble_disputes_txn ON tribble_disputes (transaction_id);
CREATE INDEX IF NOT EXISTS ix_tribble_disputes_merchant ON tribble_disputes (merchant_id, created_at);

CREATE TABLE IF NOT EXISTS tribble_dispute_evidence (
    id TEXT PRIMARY KEY,
    dispute_id TEXT NOT NULL,
    uploaded_by INTEGER NOT NULL,
    type TEXT NOT NULL DEFAULT 'document',
    filename TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL DEFAULT '',
    size INTEGER NOT NULL DEFAULT 0,
    content BLOB,
    description TEXT NOT NULL DEFAULT '',
    uploaded_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_tribble_evidence_dispute ON tribble_dispute_evidence (dispute_id, uploaded_at);
