//! Opening a connection: the pragmas every connection gets, and the migrations under
//! `migrations/terminal/` (embedded in the binary).

use std::path::Path;
use std::sync::LazyLock;
use std::time::Duration;

use include_dir::{Dir, include_dir};
use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::Migrations;

use crate::error::StoreError;

static MIGRATION_DIR: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../migrations/terminal");

static MIGRATIONS: LazyLock<Result<Migrations<'static>, String>> =
    LazyLock::new(|| Migrations::from_directory(&MIGRATION_DIR).map_err(|e| e.to_string()));

/// How long a connection waits for another's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_millis(5000);

/// Which of the store's two connections is being opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// The one connection that writes; creates the file if needed.
    Writer,
    /// The connection reads run on; refuses writes (`query_only`).
    Reader,
    /// The connection of the checkpoint thread ([`crate::checkpoint`]).
    Checkpoint,
}

/// Opens a connection with the store's pragmas: WAL (readers never wait for the writer),
/// `synchronous=FULL` (a commit that returned survives a power cut), foreign keys on, a busy
/// timeout, and temporary storage in memory: the savepoints around an append or an ingest keep
/// the pages they change in a sub-journal, which otherwise spills to a file past 64 KiB (a page
/// of 5,000 events from a peer spent a third of its time writing that file).
pub(crate) fn connect(path: &Path, role: Role) -> Result<Connection, StoreError> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if role == Role::Writer {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Corrupt(format!(
            "journal_mode is {mode}, not wal"
        )));
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.pragma_update(None, "cache_size", -16_384)?;
    if role == Role::Reader {
        conn.pragma_update(None, "query_only", "ON")?;
    }
    Ok(conn)
}

/// Brings the schema to the latest version.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    match &*MIGRATIONS {
        Ok(m) => Ok(m.to_latest(conn)?),
        Err(e) => Err(StoreError::Corrupt(format!("embedded migrations: {e}"))),
    }
}

/// `PRAGMA quick_check`: `Ok` when SQLite finds nothing wrong.
pub(crate) fn quick_check(conn: &Connection) -> Result<(), StoreError> {
    let mut stmt = conn.prepare("PRAGMA quick_check")?;
    let lines = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    if lines.len() == 1 && lines[0] == "ok" {
        Ok(())
    } else {
        Err(StoreError::Integrity(lines.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn embedded_migrations_are_valid() {
        let m = super::MIGRATIONS.as_ref().expect("migrations load");
        m.validate().expect("migrations apply to an empty database");
    }
}
