-- Open-banking bank accounts of users at the simulated banks (simulators/banks.py).
-- balance_cached is the last AISP read (minor units), not money Drop holds.
CREATE TABLE IF NOT EXISTS ob_bank_accounts (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL,
    bank TEXT NOT NULL,
    account_number TEXT NOT NULL UNIQUE,
    currency TEXT NOT NULL,
    ledger_account_id INTEGER NOT NULL,
    is_primary INTEGER NOT NULL DEFAULT 0,
    balance_cached INTEGER NOT NULL DEFAULT 0,
    balance_read_at REAL,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_ob_bank_accounts_user ON ob_bank_accounts (user_id, id);
