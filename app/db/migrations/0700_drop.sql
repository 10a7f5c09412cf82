-- Drop (PSD2 pass-through) platform tables. Money itself lives on the ledger; these rows hold
-- Drop's own records (recipients, transactions as Drop shows them, merchants, GDPR records ...).

CREATE TABLE IF NOT EXISTS drop_recipients (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    country TEXT NOT NULL,
    currency TEXT NOT NULL,
    bank_account TEXT NOT NULL,
    bank_name TEXT,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_drop_recipients_user ON drop_recipients (user_id, created_at);

CREATE TABLE IF NOT EXISTS drop_merchants (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL UNIQUE,
    business_name TEXT NOT NULL,
    org_number TEXT NOT NULL UNIQUE,
    address TEXT,
    bank_account TEXT NOT NULL,
    ledger_account_id INTEGER,
    created_at REAL NOT NULL
);

CREATE TABLE IF NOT EXISTS drop_transactions (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('remittance', 'qr_payment')),
    status TEXT NOT NULL CHECK (status IN ('processing', 'completed', 'failed')),
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    fee INTEGER NOT NULL,
    receive_amount INTEGER,
    receive_currency TEXT,
    exchange_rate TEXT,
    recipient_id TEXT,
    recipient_name TEXT,
    recipient_country TEXT,
    merchant_id TEXT,
    merchant_name TEXT,
    customer_name TEXT,
    bank_account_id INTEGER NOT NULL,
    bank_name TEXT NOT NULL,
    journal_id INTEGER,
    request_key TEXT UNIQUE,
    request_summary TEXT,
    response TEXT,
    failure_reason TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    completed_at REAL
);
CREATE INDEX IF NOT EXISTS ix_drop_tx_user ON drop_transactions (user_id, created_at);
CREATE INDEX IF NOT EXISTS ix_drop_tx_merchant ON drop_transactions (merchant_id, created_at);

CREATE TABLE IF NOT EXISTS drop_notifications (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL,
    type TEXT NOT NULL,
    title TEXT NOT NULL,
    message TEXT NOT NULL,
    reference TEXT,
    is_read INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_drop_notifications_user ON drop_notifications (user_id, created_at);

CREATE TABLE IF NOT EXISTS drop_settings (
    user_id INTEGER PRIMARY KEY,
    currency TEXT NOT NULL DEFAULT 'NOK',
    language TEXT NOT NULL DEFAULT 'nb',
    push_enabled INTEGER NOT NULL DEFAULT 1,
    email_enabled INTEGER NOT NULL DEFAULT 1,
    updated_at REAL NOT NULL
);

CREATE TABLE IF NOT EXISTS drop_consents (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL,
    consent_type TEXT NOT NULL,
    granted INTEGER NOT NULL,
    granted_at REAL,
    withdrawn_at REAL,
    ip_address TEXT,
    UNIQUE (user_id, consent_type)
);

CREATE TABLE IF NOT EXISTS drop_complaints (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL,
    category TEXT NOT NULL,
    subject TEXT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'received',
    resolution TEXT,
    created_at REAL NOT NULL,
    resolved_at REAL
);
CREATE INDEX IF NOT EXISTS ix_drop_complaints_user ON drop_complaints (user_id, created_at);

CREATE TABLE IF NOT EXISTS drop_data_access_requests (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('export', 'erasure')),
    status TEXT NOT NULL,
    created_at REAL NOT NULL,
    completed_at REAL
);

-- Feature flags (cards are FUTURE: every card flag defaults to off; notifications on).
CREATE TABLE IF NOT EXISTS drop_feature_flags (
    name TEXT PRIMARY KEY,
    enabled INTEGER NOT NULL
);
INSERT OR IGNORE INTO drop_feature_flags (name, enabled) VALUES
    ('cards', 0), ('physicalCards', 0), ('cardPin', 0), ('spendingLimits', 0), ('notifications', 1);

CREATE TABLE IF NOT EXISTS drop_cards (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('virtual', 'physical')),
    status TEXT NOT NULL CHECK (status IN ('active', 'frozen', 'cancelled')),
    brand TEXT NOT NULL,
    last4 TEXT NOT NULL,
    exp_month INTEGER NOT NULL,
    exp_year INTEGER NOT NULL,
    pin_hash TEXT,
    shipping_address TEXT,
    physical_status TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_drop_cards_user ON drop_cards (user_id, created_at);

CREATE TABLE IF NOT EXISTS drop_card_limits (
    card_id TEXT NOT NULL,
    limit_type TEXT NOT NULL CHECK (limit_type IN ('daily', 'weekly', 'monthly', 'transaction')),
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (card_id, limit_type)
);
