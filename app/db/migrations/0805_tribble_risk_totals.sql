-- Running totals the fraud engine scores a new payment against (app/platforms/tribble/risk.py):
-- one row per payer and currency (count and sum of SUCCESS/PROCESSING payments: the "user
-- average") and per payer and country (where the payer usually transacts). Triggers keep them
-- exact on every insert, status change and delete, so scoring costs the same on the first
-- payment and the millionth.
CREATE TABLE IF NOT EXISTS tribble_risk_totals (
    user_id INTEGER NOT NULL,
    currency TEXT NOT NULL,
    payments INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    PRIMARY KEY (user_id, currency)
);

CREATE TABLE IF NOT EXISTS tribble_risk_countries (
    user_id INTEGER NOT NULL,
    country TEXT NOT NULL,
    payments INTEGER NOT NULL,
    PRIMARY KEY (user_id, country)
);

INSERT OR REPLACE INTO tribble_risk_totals (user_id, currency, payments, amount)
SELECT customer_user_id, currency, count(*), sum(amount) FROM tribble_transactions
WHERE kind = 'payment' AND status IN ('SUCCESS', 'PROCESSING') GROUP BY customer_user_id, currency;

INSERT OR REPLACE INTO tribble_risk_countries (user_id, country, payments)
SELECT customer_user_id, upper(country), count(*) FROM tribble_transactions
WHERE kind = 'payment' AND country IS NOT NULL AND country != '' GROUP BY customer_user_id, upper(country);

CREATE TRIGGER IF NOT EXISTS tr_tribble_risk_insert AFTER INSERT ON tribble_transactions
WHEN NEW.kind = 'payment'
BEGIN
    INSERT INTO tribble_risk_totals (user_id, currency, payments, amount)
    SELECT NEW.customer_user_id, NEW.currency, 1, NEW.amount WHERE NEW.status IN ('SUCCESS', 'PROCESSING')
    ON CONFLICT (user_id, currency) DO UPDATE SET payments = payments + 1, amount = amount + excluded.amount;
    INSERT INTO tribble_risk_countries (user_id, country, payments)
    SELECT NEW.customer_user_id, upper(NEW.country), 1 WHERE NEW.country IS NOT NULL AND NEW.country != ''
    ON CONFLICT (user_id, country) DO UPDATE SET payments = payments + 1;
END;

CREATE TRIGGER IF NOT EXISTS tr_tribble_risk_update AFTER UPDATE OF status, amount, currency, kind, customer_user_id
ON tribble_transactions
BEGIN
    UPDATE tribble_risk_totals SET payments = payments - 1, amount = amount - OLD.amount
    WHERE user_id = OLD.customer_user_id AND currency = OLD.currency
      AND OLD.kind = 'payment' AND OLD.status IN ('SUCCESS', 'PROCESSING');
    INSERT INTO tribble_risk_totals (user_id, currency, payments, amount)
    SELECT NEW.customer_user_id, NEW.currency, 1, NEW.amount
    WHERE NEW.kind = 'payment' AND NEW.status IN ('SUCCESS', 'PROCESSING')
    ON CONFLICT (user_id, currency) DO UPDATE SET payments = payments + 1, amount = amount + excluded.amount;
END;

CREATE TRIGGER IF NOT EXISTS tr_tribble_risk_delete AFTER DELETE ON tribble_transactions
WHEN OLD.kind = 'payment'
BEGIN
    UPDATE tribble_risk_totals SET payments = payments - 1, amount = amount - OLD.amount
    WHERE user_id = OLD.customer_user_id AND currency = OLD.currency AND OLD.status IN ('SUCCESS', 'PROCESSING');
    UPDATE tribble_risk_countries SET payments = payments - 1
    WHERE user_id = OLD.customer_user_id AND country = upper(OLD.country);
END;
