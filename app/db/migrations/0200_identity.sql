-- Identity: one user serves all five platforms (each renders it with its own ids).
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    drop_id TEXT NOT NULL UNIQUE,
    profile_id TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    email_norm TEXT NOT NULL UNIQUE,
    phone TEXT UNIQUE,
    first_name TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL DEFAULT '',
    date_of_birth TEXT,
    account_type TEXT NOT NULL DEFAULT 'individual' CHECK (account_type IN ('individual', 'business')),
    status TEXT NOT NULL DEFAULT 'active'
        CHECK (status IN ('pending', 'active', 'suspended', 'locked', 'deleted')),
    kyc_status TEXT NOT NULL DEFAULT 'pending' CHECK (kyc_status IN ('pending', 'submitted', 'approved', 'rejected')),
    kyc_tier INTEGER NOT NULL DEFAULT 0 CHECK (kyc_tier BETWEEN 0 AND 3),
    roles TEXT NOT NULL DEFAULT 'user',
    country TEXT,
    password_hash TEXT NOT NULL,
    totp_secret TEXT,
    totp_enabled INTEGER NOT NULL DEFAULT 0,
    totp_last_counter INTEGER,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    last_login_at REAL,
    deleted_at REAL
);

-- Every issued token (access and refresh). Revocation lives here; the service keeps the set of
-- revoked, unexpired jtis in memory so verifying a token costs no database round trip.
CREATE TABLE IF NOT EXISTS auth_tokens (
    jti TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
    family TEXT NOT NULL,
    platform TEXT NOT NULL DEFAULT '',
    scope TEXT NOT NULL DEFAULT 'full',
    issued_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    used_at REAL,
    revoked_at REAL,
    revoked_reason TEXT
);
CREATE INDEX IF NOT EXISTS ix_auth_tokens_user ON auth_tokens (user_id, revoked_at);
CREATE INDEX IF NOT EXISTS ix_auth_tokens_family ON auth_tokens (family);
CREATE INDEX IF NOT EXISTS ix_auth_tokens_revoked ON auth_tokens (revoked_at, expires_at);

-- OTP challenges: 6 digits, 180 s, 5 failures kill the challenge.
CREATE TABLE IF NOT EXISTS otp_challenges (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    purpose TEXT NOT NULL,
    channel TEXT NOT NULL,
    code TEXT NOT NULL,
    recipient TEXT NOT NULL,
    recipient_masked TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'verified', 'expired', 'locked')),
    failures INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    verified_at REAL
);
CREATE INDEX IF NOT EXISTS ix_otp_user ON otp_challenges (user_id, purpose, status, created_at);

-- Single-use verification tokens (300 s) bound to a user and a purpose.
CREATE TABLE IF NOT EXISTS verification_tokens (
    token TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    purpose TEXT NOT NULL,
    method TEXT NOT NULL,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    used_at REAL
);

-- The sandbox inbox: every OTP or notification "sent" by email, SMS or WhatsApp.
CREATE TABLE IF NOT EXISTS inbox_messages (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    code TEXT,
    purpose TEXT,
    user_id INTEGER,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_inbox_recipient ON inbox_messages (recipient, id);
CREATE INDEX IF NOT EXISTS ix_inbox_purpose ON inbox_messages (purpose, id);
