-- Running totals of each Nivo wallet's outgoing transfers + withdrawals for its current UTC day
-- and calendar month, so the limit check is O(1) instead of a sum over the month's rows. A total
-- whose period is not the current one is recomputed from nivo_transactions (exact after any clock jump).
CREATE TABLE IF NOT EXISTS nivo_wallet_spend (
    wallet_id TEXT PRIMARY KEY,
    day_start REAL NOT NULL,
    day_total INTEGER NOT NULL,
    month_start REAL NOT NULL,
    month_total INTEGER NOT NULL
);
