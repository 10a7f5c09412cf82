-- Cashier deposit requests (DEP-REQ-YYYYMMDD-NNN): sent to a partner, settled by the partner simulator.
CREATE TABLE IF NOT EXISTS cashier_deposits (
    id INTEGER PRIMARY KEY,
    request_ref TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL,
    partner_id TEXT NOT NULL,
    partner_name TEXT NOT NULL DEFAULT '',
    service TEXT NOT NULL DEFAULT '',
    payment_method TEXT NOT NULL DEFAULT '',
    amount INTEGER NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL,
    fee INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'sent_to_partner'
        CHECK (status IN ('sent_to_partner', 'completed', 'failed', 'cancelled', 'expired', 'reversed')),
    receipt_code TEXT,
    journal_id INTEGER,
    error_message TEXT,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    completed_at REAL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_cashier_deposits_user ON cashier_deposits (user_id, id);

-- Cashier withdrawal requests (WDL-REQ-YYYYMMDD-NNN): funds held on the wallet while processing.
CREATE TABLE IF NOT EXISTS cashier_withdrawals (
    id INTEGER PRIMARY KEY,
    request_ref TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL,
    account_id INTEGER NOT NULL,
    hold_id INTEGER,
    amount INTEGER NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL,
    fee INTEGER NOT NULL DEFAULT 0,
    destination TEXT NOT NULL,
    service TEXT,
    partner_id TEXT,
    withdrawal_type TEXT NOT NULL CHECK (withdrawal_type IN ('direct', 'agent_assisted')),
    agent_id TEXT,
    agent_name TEXT,
    agent_account TEXT,
    agent_commission INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'processing' CHECK (status IN ('processing', 'completed', 'failed', 'reversed')),
    receipt_code TEXT,
    journal_id INTEGER,
    balance_after INTEGER,
    error_message TEXT,
    created_at REAL NOT NULL,
    completed_at REAL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_cashier_withdrawals_user ON cashier_withdrawals (user_id, id);
