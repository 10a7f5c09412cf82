-- What the KYC tier limits count (app/platforms/tribble/kyc.py check_limits), per payer, UTC day and
-- currency: payments that are not FAILED/BLOCKED and top-ups that are not FAILED. `day` is the UTC
-- midnight (epoch seconds) of the row's created_at: floor(created_at / 86400) * 86400 in integer
-- arithmetic (SQLite's date() rounds to the millisecond, which would move a payment made in the
-- last half millisecond of a day into the next one). Triggers keep it exact on every insert, status
-- or amount change, re-dating (snapshot rebase) and delete, so a limit check reads at most 31 days
-- per currency however many payments the month holds.
CREATE TABLE IF NOT EXISTS tribble_usage_days (
    user_id INTEGER NOT NULL,
    day INTEGER NOT NULL,
    currency TEXT NOT NULL,
    operations INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    PRIMARY KEY (user_id, day, currency)
);

INSERT OR REPLACE INTO tribble_usage_days (user_id, day, currency, operations, amount)
SELECT user_id, day, currency, count(*), sum(amount) FROM (
    SELECT customer_user_id AS user_id, (CAST(created_at / 86400 AS INTEGER) - (created_at < 0 AND CAST(created_at / 86400 AS INTEGER) * 86400 != created_at)) * 86400 AS day,
           currency, amount
    FROM tribble_transactions WHERE kind = 'payment' AND status NOT IN ('FAILED', 'BLOCKED')
    UNION ALL
    SELECT user_id, (CAST(created_at / 86400 AS INTEGER) - (created_at < 0 AND CAST(created_at / 86400 AS INTEGER) * 86400 != created_at)) * 86400, currency, amount
    FROM tribble_topups WHERE status != 'FAILED'
) GROUP BY user_id, day, currency;

CREATE TRIGGER IF NOT EXISTS tr_tribble_usage_payment_insert AFTER INSERT ON tribble_transactions
WHEN NEW.kind = 'payment' AND NEW.status NOT IN ('FAILED', 'BLOCKED')
BEGIN
    INSERT INTO tribble_usage_days (user_id, day, currency, operations, amount)
    VALUES (NEW.customer_user_id, (CAST(NEW.created_at / 86400 AS INTEGER) - (NEW.created_at < 0 AND CAST(NEW.created_at / 86400 AS INTEGER) * 86400 != NEW.created_at)) * 86400, NEW.currency, 1,
            NEW.amount)
    ON CONFLICT (user_id, day, currency) DO UPDATE SET operations = operations + 1, amount = amount + excluded.amount;
END;

CREATE TRIGGER IF NOT EXISTS tr_tribble_usage_payment_update
AFTER UPDATE OF status, amount, currency, kind, customer_user_id, created_at ON tribble_transactions
BEGIN
    UPDATE tribble_usage_days SET operations = operations - 1, amount = amount - OLD.amount
    WHERE user_id = OLD.customer_user_id AND currency = OLD.currency
      AND day = (CAST(OLD.created_at / 86400 AS INTEGER) - (OLD.created_at < 0 AND CAST(OLD.created_at / 86400 AS INTEGER) * 86400 != OLD.created_at)) * 86400
      AND OLD.kind = 'payment' AND OLD.status NOT IN ('FAILED', 'BLOCKED');
    INSERT INTO tribble_usage_days (user_id, day, currency, operations, amount)
    SELECT NEW.customer_user_id, (CAST(NEW.created_at / 86400 AS INTEGER) - (NEW.created_at < 0 AND CAST(NEW.created_at / 86400 AS INTEGER) * 86400 != NEW.created_at)) * 86400, NEW.currency, 1,
           NEW.amount
    WHERE NEW.kind = 'payment' AND NEW.status NOT IN ('FAILED', 'BLOCKED')
    ON CONFLICT (user_id, day, currency) DO UPDATE SET operations = operations + 1, amount = amount + excluded.amount;
END;

CREATE TRIGGER IF NOT EXISTS tr_tribble_usage_payment_delete AFTER DELETE ON tribble_transactions
WHEN OLD.kind = 'payment' AND OLD.status NOT IN ('FAILED', 'BLOCKED')
BEGIN
    UPDATE tribble_usage_days SET operations = operations - 1, amount = amount - OLD.amount
    WHERE user_id = OLD.customer_user_id AND currency = OLD.currency
      AND day = (CAST(OLD.created_at / 86400 AS INTEGER) - (OLD.created_at < 0 AND CAST(OLD.created_at / 86400 AS INTEGER) * 86400 != OLD.created_at)) * 86400;
END;

CREATE TRIGGER IF NOT EXISTS tr_tribble_usage_topup_insert AFTER INSERT ON tribble_topups
WHEN NEW.status != 'FAILED'
BEGIN
    INSERT INTO tribble_usage_days (user_id, day, currency, operations, amount)
    VALUES (NEW.user_id, (CAST(NEW.created_at / 86400 AS INTEGER) - (NEW.created_at < 0 AND CAST(NEW.created_at / 86400 AS INTEGER) * 86400 != NEW.created_at)) * 86400, NEW.currency, 1, NEW.amount)
    ON CONFLICT (user_id, day, currency) DO UPDATE SET operations = operations + 1, amount = amount + excluded.amount;
END;

CREATE TRIGGER IF NOT EXISTS tr_tribble_usage_topup_update
AFTER UPDATE OF status, amount, currency, user_id, created_at ON tribble_topups
BEGIN
    UPDATE tribble_usage_days SET operations = operations - 1, amount = amount - OLD.amount
    WHERE user_id = OLD.user_id AND currency = OLD.currency
      AND day = (CAST(OLD.created_at / 86400 AS INTEGER) - (OLD.created_at < 0 AND CAST(OLD.created_at / 86400 AS INTEGER) * 86400 != OLD.created_at)) * 86400 AND OLD.status != 'FAILED';
    INSERT INTO tribble_usage_days (user_id, day, currency, operations, amount)
    SELECT NEW.user_id, (CAST(NEW.created_at / 86400 AS INTEGER) - (NEW.created_at < 0 AND CAST(NEW.created_at / 86400 AS INTEGER) * 86400 != NEW.created_at)) * 86400, NEW.currency, 1, NEW.amount
    WHERE NEW.status != 'FAILED'
    ON CONFLICT (user_id, day, currency) DO UPDATE SET operations = operations + 1, amount = amount + excluded.amount;
END;

CREATE TRIGGER IF NOT EXISTS tr_tribble_usage_topup_delete AFTER DELETE ON tribble_topups
WHEN OLD.status != 'FAILED'
BEGIN
    UPDATE tribble_usage_days SET operations = operations - 1, amount = amount - OLD.amount
    WHERE user_id = OLD.user_id AND currency = OLD.currency
      AND day = (CAST(OLD.created_at / 86400 AS INTEGER) - (OLD.created_at < 0 AND CAST(OLD.created_at / 86400 AS INTEGER) * 86400 != OLD.created_at)) * 86400;
END;
