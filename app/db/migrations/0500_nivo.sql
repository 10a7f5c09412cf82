-- Nivo gateway contract (app/platforms/nivo). Balances live in the ledger; these tables hold
-- Nivo's own view: wallet ids and statuses, its transaction ids and categories, beneficiaries,
-- User-Admin verifications, virtual cards (masked only) and UPI deposits.

-- A Nivo wallet is the user's ledger wallet account for one currency, seen with Nivo's status.
CREATE TABLE IF NOT EXISTS nivo_wallets (
    id TEXT PRIMARY KEY,                      -- UUID shown to clients
    user_id INTEGER NOT NULL,                 -- identity users.id
    account_id INTEGER NOT NULL UNIQUE,       -- ledger account (owner_type user, ACCOUNT_PURPOSE_WALLET)
    currency TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'frozen')),
    daily_limit INTEGER NOT NULL,             -- minor units, outgoing transfers + withdrawals per UTC day
    monthly_limit INTEGER NOT NULL,           -- minor units, per calendar month
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    UNIQUE (user_id, currency)
);

-- Nivo transaction ids and categories over ledger journals.
CREATE TABLE IF NOT EXISTS nivo_transactions (
    id TEXT PRIMARY KEY,                      -- UUID
    journal_id INTEGER NOT NULL UNIQUE,
    type TEXT NOT NULL CHECK (type IN ('deposit', 'withdrawal', 'transfer')),
    user_id INTEGER NOT NULL,                 -- who initiated it
    from_wallet_id TEXT,
    to_wallet_id TEXT,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'completed',
    description TEXT NOT NULL DEFAULT '',
    category TEXT,
    channel TEXT NOT NULL DEFAULT 'api',      -- 'api' | 'upi'
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_nivo_tx_from ON nivo_transactions (from_wallet_id, created_at);
CREATE INDEX IF NOT EXISTS ix_nivo_tx_to ON nivo_transactions (to_wallet_id, created_at);

-- Saved recipients (added after User-Admin verification).
CREATE TABLE IF NOT EXISTS nivo_beneficiaries (
    id TEXT PRIMARY KEY,
    owner_user_id INTEGER NOT NULL,
    beneficiary_user_id INTEGER NOT NULL,
    wallet_id TEXT,
    nickname TEXT NOT NULL,
    phone TEXT NOT NULL,
    created_at REAL NOT NULL,
    UNIQUE (owner_user_id, beneficiary_user_id)
);

-- User-Admin verifications: the identity OTP challenge bound to one operation and its parameters.
CREATE TABLE IF NOT EXISTS nivo_verifications (
    id TEXT PRIMARY KEY,                      -- the identity challenge id (ver_...)
    user_id INTEGER NOT NULL,
    operation_type TEXT NOT NULL,             -- password_change | beneficiary_add | high_value_transfer
    fingerprint TEXT NOT NULL,                -- sha256 of the operation's parameters
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'verified', 'used')),
    token_hash TEXT,                          -- sha256 of the verification token once verified
    token_expires_at REAL,
    expires_at REAL NOT NULL,
    created_at REAL NOT NULL,
    used_at REAL
);
CREATE INDEX IF NOT EXISTS ix_nivo_ver_token ON nivo_verifications (token_hash);

-- Virtual cards: never the full number or the CVV; a keyed hash identifies the number.
CREATE TABLE IF NOT EXISTS nivo_cards (
    id TEXT PRIMARY KEY,
    wallet_id TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    card_number_masked TEXT NOT NULL,
    last4 TEXT NOT NULL,
    number_hash TEXT NOT NULL UNIQUE,
    card_holder_name TEXT NOT NULL,
    expiry_month INTEGER NOT NULL,
    expiry_year INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'frozen', 'cancelled')),
    daily_limit INTEGER NOT NULL,             -- minor units
    monthly_limit INTEGER NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_nivo_cards_wallet ON nivo_cards (wallet_id);

-- Spending categories a transaction may be tagged with (fixed list).
CREATE TABLE IF NOT EXISTS nivo_categories (
    name TEXT PRIMARY KEY,
    label TEXT NOT NULL
);
INSERT OR IGNORE INTO nivo_categories (name, label) VALUES
    ('food', 'Food & Dining'),
    ('transport', 'Transport'),
    ('shopping', 'Shopping'),
    ('utilities', 'Utilities'),
    ('entertainment', 'Entertainment'),
    ('health', 'Health'),
    ('education', 'Education'),
    ('travel', 'Travel'),
    ('bills', 'Bills & Recharges'),
    ('rent', 'Rent'),
    ('transfers', 'Transfers'),
    ('other', 'Other');

-- UPI deposits: pending until the UPI simulator settles them on the sandbox clock.
CREATE TABLE IF NOT EXISTS nivo_upi_deposits (
    id TEXT PRIMARY KEY,
    wallet_id TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    upi_id TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed', 'failed')),
    transaction_id TEXT,
    failure_reason TEXT,
    created_at REAL NOT NULL,
    completed_at REAL
);
