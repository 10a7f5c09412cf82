-- Fault rules of /_sandbox/faults (app/sandbox/faults.py): one row per rule, in the order they match.
-- In the database so they travel with snapshots; the sandbox keeps them in memory.
CREATE TABLE IF NOT EXISTS sandbox_fault_rules (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    rule TEXT NOT NULL
);
