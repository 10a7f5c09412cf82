-- The wallet read's lastTransaction finds the Tribble record of the wallet's newest journal:
-- one index step per table instead of a scan that grows with the platform's history.
CREATE INDEX IF NOT EXISTS ix_tribble_txn_journal ON tribble_transactions (journal_id);
CREATE INDEX IF NOT EXISTS ix_tribble_topups_journal ON tribble_topups (journal_id);
CREATE INDEX IF NOT EXISTS ix_tribble_refunds_journal ON tribble_refunds (journal_id);
