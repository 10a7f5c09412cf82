"""SQLite access: one writer thread that group-commits, read-only reader connections, migrations."""

from app.db.database import Database, WriteFn
from app.db.migrations import apply_migrations, current_versions

__all__ = ["Database", "WriteFn", "apply_migrations", "current_versions"]
