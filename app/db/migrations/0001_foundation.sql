-- Key/value state of the sandbox itself (JWT secret, clock offset, settings toggles).
CREATE TABLE IF NOT EXISTS sandbox_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Work scheduled on the sandbox clock; survives restarts.
CREATE TABLE IF NOT EXISTS scheduled_jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    due_at REAL NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    ref TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at REAL NOT NULL,
    done_at REAL
);
CREATE INDEX IF NOT EXISTS ix_jobs_due ON scheduled_jobs (status, due_at, id);
CREATE INDEX IF NOT EXISTS ix_jobs_ref ON scheduled_jobs (ref);

-- The event log: every event published on the bus.
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    type TEXT NOT NULL,
    user_id INTEGER,
    platform TEXT,
    data TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_events_type ON events (type, id);
CREATE INDEX IF NOT EXISTS ix_events_user ON events (user_id, id);

-- Idempotency records for any command (not only ledger postings).
CREATE TABLE IF NOT EXISTS idempotency_keys (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    request_summary TEXT NOT NULL DEFAULT '{}',
    response TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (scope, key)
);
