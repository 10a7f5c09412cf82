-- T-Wallet sends (send-to-profile): pending (funds held) until settled on the sandbox clock.
CREATE TABLE IF NOT EXISTS twallet_sends (
    id INTEGER PRIMARY KEY,
    sender_user_id INTEGER NOT NULL,
    recipient_user_id INTEGER NOT NULL,
    from_account_id TEXT NOT NULL,
    to_profile_id TEXT NOT NULL,
    asset_key TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount > 0),
    fee INTEGER NOT NULL DEFAULT 0 CHECK (fee >= 0),
    notes TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed', 'failed')),
    failure_reason TEXT,
    sender_ledger_account INTEGER NOT NULL,
    recipient_ledger_account INTEGER NOT NULL,
    hold_id INTEGER,
    journal_id INTEGER,
    idempotency_key TEXT,
    created_at REAL NOT NULL,
    completed_at REAL
);
CREATE INDEX IF NOT EXISTS ix_twallet_sends_sender ON twallet_sends (sender_user_id, id);
CREATE INDEX IF NOT EXISTS ix_twallet_sends_recipient ON twallet_sends (recipient_user_id, id);
CREATE UNIQUE INDEX IF NOT EXISTS ux_twallet_sends_key ON twallet_sends (sender_user_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;

-- A user's saved contacts (profile ids of other users, with the names the user stored).
CREATE TABLE IF NOT EXISTS twallet_contacts (
    owner_user_id INTEGER NOT NULL,
    profile_id TEXT NOT NULL,
    contact_user_id INTEGER NOT NULL,
    first_name TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (owner_user_id, profile_id)
);
