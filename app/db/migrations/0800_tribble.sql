-- Tribble (REST + Socket.IO) platform tables. Money in integer minor units; times epoch seconds
-- on the sandbox clock. Wallets are ledger accounts (no table here).

-- KYC documents uploaded through POST /api/v1/auth/submit-kyc (the file itself is stored).
CREATE TABLE IF NOT EXISTS tribble_kyc_documents (
    id TEXT PRIMARY KEY,
    submission_id TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    document_type TEXT NOT NULL,
    filename TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL DEFAULT '',
    size INTEGER NOT NULL DEFAULT 0,
    content BLOB,
    ocr TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'PENDING_REVIEW',
    uploaded_at REAL NOT NULL,
    verified_at REAL
);
CREATE INDEX IF NOT EXISTS ix_tribble_kyc_user ON tribble_kyc_documents (user_id, uploaded_at);

-- Cards (tokenised: token, last4, brand only) and bank accounts (masked).
CREATE TABLE IF NOT EXISTS tribble_payment_methods (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('card', 'bank_account')),
    card_token TEXT,
    last4 TEXT NOT NULL DEFAULT '',
    brand TEXT,
    cardholder_name TEXT,
    expiry_month INTEGER,
    expiry_year INTEGER,
    bank_name TEXT,
    bank_code TEXT,
    account_masked TEXT,
    account_holder TEXT,
    is_default INTEGER NOT NULL DEFAULT 0,
    is_active INTEGER NOT NULL DEFAULT 1,
    created_at REAL NOT NULL,
    deleted_at REAL
);
CREATE INDEX IF NOT EXISTS ix_tribble_pm_user ON tribble_payment_methods (user_id, created_at);

-- Merchants (owner is an identity user; money lives in ledger accounts owner_type 'merchant').
CREATE TABLE IF NOT EXISTS tribble_merchants (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    owner_user_id INTEGER NOT NULL,
    business_name TEXT NOT NULL,
    entity_type TEXT NOT NULL DEFAULT '',
    tax_id TEXT NOT NULL DEFAULT '',
    industry TEXT NOT NULL DEFAULT '',
    kyc_status TEXT NOT NULL DEFAULT 'PENDING',
    risk_level TEXT NOT NULL DEFAULT 'medium',
    bank_account_id TEXT,
    bank_code TEXT,
    bank_account_masked TEXT,
    bank_account_holder TEXT,
    bank_verified INTEGER NOT NULL DEFAULT 0,
    settlement TEXT NOT NULL DEFAULT '{}',
    notes TEXT,
    rejection_reason TEXT,
    rejection_message TEXT,
    created_at REAL NOT NULL,
    approved_at REAL,
    rejected_at REAL
);
CREATE INDEX IF NOT EXISTS ix_tribble_merchants_owner ON tribble_merchants (owner_user_id);

-- Payments to merchants and wallet fundings.
CREATE TABLE IF NOT EXISTS tribble_transactions (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('payment', 'fund')),
    customer_user_id INTEGER NOT NULL,
    merchant_id TEXT,
    wallet_account_id INTEGER,
    payment_method_id TEXT,
    amount INTEGER NOT NULL,
    fee INTEGER NOT NULL DEFAULT 0,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    metadata TEXT NOT NULL DEFAULT '{}',
    fraud TEXT NOT NULL DEFAULT '{}',
    fraud_score INTEGER NOT NULL DEFAULT 0,
    risk_level TEXT NOT NULL DEFAULT 'LOW',
    decision TEXT NOT NULL DEFAULT 'ALLOW',
    processor_charge_id TEXT,
    processor_status TEXT,
    processor_message TEXT,
    journal_id INTEGER,
    device_id TEXT,
    ip TEXT,
    country TEXT,
    idempotency_key TEXT,
    response TEXT,
    created_at REAL NOT NULL,
    completed_at REAL,
    UNIQUE (customer_user_id, idempotency_key)
);
CREATE INDEX IF NOT EXISTS ix_tribble_txn_customer ON tribble_transactions (customer_user_id, created_at);
CREATE INDEX IF NOT EXISTS ix_tribble_txn_merchant ON tribble_transactions (merchant_id, created_at);

-- Devices seen per user (the fraud engine's "new device" factor).
CREATE TABLE IF NOT EXISTS tribble_devices (
    user_id INTEGER NOT NULL,
    device_id TEXT NOT NULL,
    first_seen REAL NOT NULL,
    PRIMARY KEY (user_id, device_id)
);

CREATE TABLE IF NOT EXISTS tribble_refunds (
    id TEXT PRIMARY KEY,
    transaction_id TEXT NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    requested_by INTEGER NOT NULL,
    hold_id INTEGER,
    journal_id INTEGER,
    failure_reason TEXT,
    created_at REAL NOT NULL,
    completed_at REAL
);
CREATE INDEX IF NOT EXISTS ix_tribble_refunds_txn ON tribble_refunds (transaction_id, created_at);

-- One receipt per completed transaction; payload is the signed canonical JSON.
CREATE TABLE IF NOT EXISTS tribble_receipts (
    id TEXT PRIMARY KEY,
    transaction_id TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    signature TEXT NOT NULL,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL
);

CREATE TABLE IF NOT EXISTS tribble_topups (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL,
    provider TEXT NOT NULL,
    phone TEXT NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    reference TEXT NOT NULL,
    payment_method_id TEXT,
    wallet_account_id INTEGER,
    journal_id INTEGER,
    failure_reason TEXT,
    created_at REAL NOT NULL,
    completed_at REAL
);
CREATE INDEX IF NOT EXISTS ix_tribble_topups_user ON tribble_topups (user_id, created_at);
