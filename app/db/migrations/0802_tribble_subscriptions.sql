-- Tribble subscription plans, subscriptions and their charges (part 2).
CREATE TABLE IF NOT EXISTS tribble_plans (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    billing_frequency TEXT NOT NULL,
    billing_interval INTEGER NOT NULL DEFAULT 1,
    trial_period_days INTEGER NOT NULL DEFAULT 0,
    trial_amount INTEGER NOT NULL DEFAULT 0,
    setup_fee INTEGER NOT NULL DEFAULT 0,
    max_charges INTEGER,
    plan_type TEXT NOT NULL DEFAULT 'fixed',
    status TEXT NOT NULL DEFAULT 'ACTIVE',
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_tribble_plans_merchant ON tribble_plans (merchant_id);

CREATE TABLE IF NOT EXISTS tribble_subscriptions (
    id TEXT PRIMARY KEY,
    plan_id TEXT NOT NULL,
    merchant_id TEXT NOT NULL,
    customer_user_id INTEGER NOT NULL,
    payment_method_id TEXT,
    status TEXT NOT NULL,
    auto_renew INTEGER NOT NULL DEFAULT 1,
    start_at REAL NOT NULL,
    trial_end_at REAL,
    next_charge_at REAL,
    charge_count INTEGER NOT NULL DEFAULT 0,
    last_charge_at REAL,
    last_charge_amount INTEGER,
    paused_at REAL,
    resumed_at REAL,
    cancelled_at REAL,
    cancel_reason TEXT,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_tribble_subs_customer ON tribble_subscriptions (customer_user_id, created_at);
CREATE INDEX IF NOT EXISTS ix_tribble_subs_merchant ON tribble_subscriptions (merchant_id, created_at);

CREATE TABLE IF NOT EXISTS tribble_subscription_charges (
    id TEXT PRIMARY KEY,
    subscription_id TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'renewal',
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    scheduled_at REAL NOT NULL,
    charged_at REAL,
    attempt_count INTEGER NOT NULL DEFAULT 0,
    recovered INTEGER NOT NULL DEFAULT 0,
    failure_reason TEXT,
    journal_id INTEGER,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_tribble_charges_sub ON tribble_subscription_charges (subscription_id, scheduled_at);
