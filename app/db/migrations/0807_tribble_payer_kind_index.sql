-- The fraud engine's velocity factor counts the payer's payments of the last hour
-- (app/platforms/tribble/risk.py _history_in). With (customer_user_id, created_at) alone every
-- row in that hour was read from the table to check its kind; with the kind in the index the
-- count is answered from the index.
CREATE INDEX IF NOT EXISTS ix_tribble_txn_customer_kind ON tribble_transactions (customer_user_id, kind, created_at);
