-- The simulated outside world: behaviour settings, reference data, operations, card tokens, webhooks.

-- Behaviour overrides per simulator name ("partner", "partner:PTN-001", "upi", "card", "airtime:mtn", ...).
CREATE TABLE IF NOT EXISTS sim_settings (
    name TEXT PRIMARY KEY,
    config TEXT NOT NULL DEFAULT '{}',
    updated_at REAL NOT NULL
);

-- Cashier-style payment partners (PTN-*).
CREATE TABLE IF NOT EXISTS sim_partners (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    name TEXT NOT NULL,
    service TEXT NOT NULL,
    country TEXT NOT NULL,
    currencies TEXT NOT NULL,
    payment_method TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'active',
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_sim_partners_service ON sim_partners (service, seq);

-- Cash-out agents (AGT-*).
CREATE TABLE IF NOT EXISTS sim_agents (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    name TEXT NOT NULL,
    country TEXT NOT NULL,
    currencies TEXT NOT NULL,
    commission_rate TEXT NOT NULL,
    location TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'active',
    created_at REAL NOT NULL
);

-- Ledger accounts of partners and agents, per currency and purpose.
CREATE TABLE IF NOT EXISTS sim_owner_accounts (
    owner_kind TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    currency TEXT NOT NULL,
    purpose TEXT NOT NULL,
    account_id INTEGER NOT NULL,
    PRIMARY KEY (owner_kind, owner_id, currency, purpose)
);

-- Airtime providers (Tribble bill payments).
CREATE TABLE IF NOT EXISTS sim_airtime_providers (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    name TEXT NOT NULL,
    country TEXT NOT NULL,
    currency TEXT NOT NULL,
    logo TEXT NOT NULL,
    min_amount INTEGER NOT NULL,
    max_amount INTEGER NOT NULL,
    denominations TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL DEFAULT 'active'
);

-- Pending simulated operations (deposits, withdrawals, UPI, card payments, top-ups, ...).
CREATE TABLE IF NOT EXISTS sim_operations (
    ref TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    simulator TEXT NOT NULL,
    user_id INTEGER,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    inputs TEXT NOT NULL DEFAULT '{}',
    payload TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'settling', 'completed', 'failed', 'reversed', 'cancelled')),
    planned_outcome TEXT NOT NULL,
    due_at REAL,
    delay_seconds REAL,
    error_message TEXT,
    explain TEXT,
    rule TEXT,
    settled_by TEXT,
    -- while 'settling': the status it was claimed from and the status it is being settled to
    claimed_from TEXT,
    claimed_for TEXT,
    created_at REAL NOT NULL,
    settled_at REAL,
    reversed_at REAL
);
CREATE INDEX IF NOT EXISTS ix_sim_operations_status ON sim_operations (status, created_at);
CREATE INDEX IF NOT EXISTS ix_sim_operations_user ON sim_operations (user_id, created_at);

-- Card tokens: never the full number or the CVV.
CREATE TABLE IF NOT EXISTS sim_card_tokens (
    token TEXT PRIMARY KEY,
    brand TEXT NOT NULL,
    bin TEXT NOT NULL,
    last4 TEXT NOT NULL,
    exp_month INTEGER NOT NULL,
    exp_year INTEGER NOT NULL,
    behaviour TEXT NOT NULL,
    created_at REAL NOT NULL
);

-- Webhook endpoints (per user or global), deliveries (one per event and endpoint) and attempts.
CREATE TABLE IF NOT EXISTS webhook_endpoints (
    id TEXT PRIMARY KEY,
    user_id INTEGER,
    platform TEXT,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    event_types TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    description TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_webhook_endpoints_user ON webhook_endpoints (user_id);

CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id TEXT PRIMARY KEY,
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_key TEXT NOT NULL,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    user_id INTEGER,
    body TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL,
    last_status_code INTEGER,
    last_error TEXT,
    created_at REAL NOT NULL,
    delivered_at REAL,
    UNIQUE (endpoint_id, event_key)
);
CREATE INDEX IF NOT EXISTS ix_webhook_deliveries_created ON webhook_deliveries (created_at);

CREATE TABLE IF NOT EXISTS webhook_attempts (
    id INTEGER PRIMARY KEY,
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt INTEGER NOT NULL,
    trigger TEXT NOT NULL,
    attempted_at REAL NOT NULL,
    status_code INTEGER,
    error TEXT,
    duration_ms REAL NOT NULL,
    response_body TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS ix_webhook_attempts_delivery ON webhook_attempts (delivery_id, id);
