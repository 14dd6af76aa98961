//! Kitchen screens: browsers on the store's LAN a manager paired with this terminal. Local to
//! the terminal (a screen is paired with the terminal that serves it, not with the store): not
//! events, not synced. Only a SHA-256 of each screen's token is kept.

use comanda_domain::ids::EmployeeId;
use rusqlite::{Connection, OptionalExtension, params};

use crate::error::StoreError;
use crate::sql::{int, uint};
use crate::store::Tx;

/// A paired kitchen screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreenRecord {
    /// Its id.
    pub screen_id: String,
    /// The name given when it was paired ("Grill screen").
    pub name: String,
    /// When it was paired.
    pub paired_ms: u64,
    /// Who paired it.
    pub paired_by: Option<EmployeeId>,
    /// When it last called.
    pub last_ms: Option<u64>,
    /// When a manager revoked it.
    pub revoked_ms: Option<u64>,
}

type Row = (
    String,
    String,
    i64,
    Option<String>,
    Option<i64>,
    Option<i64>,
);

fn record(r: Row) -> Result<ScreenRecord, StoreError> {
    Ok(ScreenRecord {
        screen_id: r.0,
        name: r.1,
        paired_ms: uint(r.2, "paired_ms")?,
        paired_by: r
            .3
            .map(|s| crate::sql::parse(&s, "paired_by"))
            .transpose()?,
        last_ms: r.4.map(|v| uint(v, "last_ms")).transpose()?,
        revoked_ms: r.5.map(|v| uint(v, "revoked_ms")).transpose()?,
    })
}

const COLUMNS: &str = "screen_id, name, paired_ms, paired_by, last_ms, revoked_ms";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
    ))
}

/// Every screen, newest first.
pub(crate) fn screens(conn: &Connection) -> Result<Vec<ScreenRecord>, StoreError> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM screens ORDER BY paired_ms DESC, screen_id"
    ))?
    .query_map([], row)?
    .map(|r| record(r?))
    .collect()
}

/// The screen holding a token of this hash, if it is not revoked.
pub(crate) fn screen_by_token(
    conn: &Connection,
    token_hash: &str,
) -> Result<Option<ScreenRecord>, StoreError> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM screens WHERE token_hash = ?1 AND revoked_ms IS NULL"
    ))?
    .query_row([token_hash], row)
    .optional()?
    .map(record)
    .transpose()
}

impl Tx<'_> {
    /// Records a newly paired screen.
    pub fn save_screen(
        &mut self,
        screen: &ScreenRecord,
        token_hash: &str,
    ) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO screens (screen_id, name, token_hash, paired_ms, paired_by)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                screen.screen_id,
                screen.name,
                token_hash,
                int(screen.paired_ms, "paired_ms")?,
                screen.paired_by.map(|e| e.to_string()),
            ],
        )?;
        Ok(())
    }

    /// Revokes a screen (its token answers no more). Returns whether it was there and live.
    pub fn revoke_screen(&mut self, screen_id: &str, at_ms: u64) -> Result<bool, StoreError> {
        Ok(self.conn().execute(
            "UPDATE screens SET revoked_ms = ?2 WHERE screen_id = ?1 AND revoked_ms IS NULL",
            params![screen_id, int(at_ms, "revoked_ms")?],
        )? == 1)
    }

    /// Notes that a screen called (at most once a minute is written).
    pub fn screen_seen(&mut self, screen_id: &str, at_ms: u64) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE screens SET last_ms = ?2 WHERE screen_id = ?1
               AND (last_ms IS NULL OR last_ms < ?2 - 60000)",
            params![screen_id, int(at_ms, "last_ms")?],
        )?;
        Ok(())
    }
}
