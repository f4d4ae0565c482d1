"""The databases the benchmarks load and serve: SQLite files under bench/.work/sqlite, PostgreSQL bench_* ones."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bench import paths

PG_HOST = os.environ.get("BENCH_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("BENCH_PG_PORT", "5432"))
PG_USER = os.environ.get("BENCH_PG_USER", "postgres")


@dataclass(frozen=True)
class Target:
    """One database: `kind` is sqlite or postgres; `name` a file stem or a database name (always bench_*)."""

    kind: str
    name: str

    @property
    def url(self) -> str:
        if self.kind == "sqlite":
            return f"sqlite:///{self.path}"
        return f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{self.name}"

    @property
    def path(self) -> Path:
        return paths.SQLITE_DIR / f"{self.name}.sqlite3"

    def exists(self) -> bool:
        if self.kind == "sqlite":
            return self.path.exists()
        return _pg_exists(self.name)

    def drop(self) -> None:
        if self.kind == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        else:
            _pg_admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def create(self) -> None:
        """An empty database (dropping any old one)."""
        self.drop()
        if self.kind == "postgres":
            _pg_admin(f'CREATE DATABASE "{self.name}"')

    def analyze(self) -> None:
        """Refresh the planner's statistics after a bulk load (what autovacuum would do a little later)."""
        if self.kind == "sqlite":
            import sqlite3

            with sqlite3.connect(self.path) as conn:
                conn.execute("ANALYZE")
            return
        import psycopg

        with psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=self.name, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")

    def size_mb(self) -> float:
        if self.kind == "sqlite":
            files = [Path(f"{self.path}{suffix}") for suffix in ("", "-wal")]
            return sum(f.stat().st_size for f in files if f.exists()) / 2**20
        import psycopg

        with psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=self.name) as conn:
            row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
        return (row[0] if row else 0) / 2**20


def target(kind: str, product: str, purpose: str) -> Target:
    if not product.replace("_", "").isalnum() or not purpose.replace("_", "").isalnum():
        raise ValueError("database names are made of letters, digits and underscores")
    return Target(kind, f"bench_{product}_{purpose}")


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def _pg_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres") as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def postgres_version() -> str:
    import psycopg

    try:
        with psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", connect_timeout=3) as conn:
            row = conn.execute("SHOW server_version").fetchone()
        return str(row[0]) if row else "?"
    except psycopg.OperationalError:
        return "unreachable"
