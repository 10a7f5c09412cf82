-- Ledger accounts. Credit-normal: balance = sum(credits) - sum(debits), integer minor units.
-- `key` makes get-or-create exact: "<owner_type>:<owner_id>:<CUR>:<purpose>" or "system:<name>:<CUR>".
CREATE TABLE IF NOT EXISTS accounts (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    number TEXT UNIQUE,
    owner_type TEXT NOT NULL,
    owner_id INTEGER,
    currency TEXT NOT NULL,
    purpose TEXT NOT NULL,
    type TEXT NOT NULL,
    is_active INTEGER NOT NULL DEFAULT 1,
    is_locked INTEGER NOT NULL DEFAULT 0,
    allow_negative INTEGER NOT NULL DEFAULT 0,
    balance INTEGER NOT NULL DEFAULT 0,
    pending_debit INTEGER NOT NULL DEFAULT 0 CHECK (pending_debit >= 0),
    pending_credit INTEGER NOT NULL DEFAULT 0 CHECK (pending_credit >= 0),
    last_transaction_at REAL,
    created_at REAL NOT NULL,
    label TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS ix_accounts_owner ON accounts (owner_type, owner_id);

-- Journals (transactions). The receipt code is derived from (created_at, id), not stored.
-- `request` is the canonical posting (type + legs) kept for idempotency comparison.
CREATE TABLE IF NOT EXISTS journals (
    id INTEGER PRIMARY KEY,
    type TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL,
    idempotency_key TEXT UNIQUE,
    request TEXT,
    metadata TEXT NOT NULL DEFAULT '{}'
);

-- Ledger entries: one per side of each leg. amount > 0; side 'D' (debit) or 'C' (credit).
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY,
    journal_id INTEGER NOT NULL REFERENCES journals (id),
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    amount INTEGER NOT NULL CHECK (amount > 0),
    side TEXT NOT NULL CHECK (side IN ('D', 'C')),
    balance_after INTEGER NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT 'principal',
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_entries_account ON entries (account_id, created_at, id);
CREATE INDEX IF NOT EXISTS ix_entries_journal ON entries (journal_id);

-- Two-phase holds. An open debit hold counts in accounts.pending_debit, a credit hold in pending_credit.
CREATE TABLE IF NOT EXISTS holds (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    amount INTEGER NOT NULL CHECK (amount > 0),
    direction TEXT NOT NULL CHECK (direction IN ('debit', 'credit')),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'posted', 'voided', 'expired')),
    reference TEXT NOT NULL DEFAULT '',
    expires_at REAL,
    created_at REAL NOT NULL,
    resolved_at REAL,
    journal_id INTEGER REFERENCES journals (id),
    reason TEXT NOT NULL DEFAULT '',
    idempotency_key TEXT UNIQUE
);
CREATE INDEX IF NOT EXISTS ix_holds_account ON holds (account_id, status);

-- Fee rules: rate (decimal string) times amount, half-even, plus a flat part; '*' matches any currency.
CREATE TABLE IF NOT EXISTS fee_rules (
    scheme TEXT NOT NULL,
    transaction_type TEXT NOT NULL,
    currency TEXT NOT NULL DEFAULT '*',
    rate TEXT NOT NULL DEFAULT '0',
    flat INTEGER NOT NULL DEFAULT 0,
    min_fee INTEGER NOT NULL DEFAULT 0,
    max_fee INTEGER,
    fee_type TEXT NOT NULL DEFAULT 'FEE_TYPE_PLATFORM',
    PRIMARY KEY (scheme, transaction_type, currency)
);
INSERT OR IGNORE INTO fee_rules (scheme, transaction_type, rate) VALUES
    ('cashier', 'deposit', '0.01'),
    ('cashier', 'withdrawal', '0.02'),
    ('cashier', 'transfer', '0.02'),
    ('cashier', 'conversion', '0.01'),
    ('cashier', 'agent_commission', '0.015'),
    ('tribble', 'fund', '0.005'),
    ('drop', 'remittance', '0.005'),
    ('drop', 'qr_payment', '0.01');

-- FX: one table of units of each currency per 1 USD; every cross rate derives from it.
CREATE TABLE IF NOT EXISTS fx_usd_rates (
    currency TEXT PRIMARY KEY,
    per_usd TEXT NOT NULL,
    updated_at REAL NOT NULL DEFAULT 0
);
INSERT OR IGNORE INTO fx_usd_rates (currency, per_usd) VALUES
    ('USD', '1'),
    ('EUR', '0.925'),
    ('GBP', '0.79'),
    ('KES', '129.5'),
    ('NGN', '1550'),
    ('INR', '83.2'),
    ('NOK', '10.6'),
    ('SEK', '10.4'),
    ('DKK', '6.9'),
    ('CHF', '0.88'),
    ('PLN', '3.98'),
    ('RSD', '108.4'),
    ('BAM', '1.81'),
    ('PKR', '278.5'),
    ('TRY', '32.5'),
    ('JPY', '151.2'),
    ('ZAR', '18.6'),
    ('GHS', '14.8'),
    ('UGX', '3780'),
    ('TZS', '2600');

-- Every FX quote handed out, so a conversion can cite the rate it used by id.
CREATE TABLE IF NOT EXISTS fx_quotes (
    id INTEGER PRIMARY KEY,
    base TEXT NOT NULL,
    quote TEXT NOT NULL,
    rate TEXT NOT NULL,
    created_at REAL NOT NULL
);
