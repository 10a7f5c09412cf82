-- A replayed QR payment finds its stored answer by journal: an index step, not a scan of history.
CREATE INDEX IF NOT EXISTS ix_drop_transactions_journal ON drop_transactions (journal_id);
