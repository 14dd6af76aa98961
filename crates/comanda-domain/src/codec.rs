//! The versioned encoding of events, for disk and wire: the one module a refactor of the domain
//! must keep compatible. Terminals in the field run mixed versions, so every `(kind, schema)`
//! ever written stays decodable (golden files under `tests/golden/` prove it).

pub mod payloads;

use serde::{Deserialize, Serialize};

use crate::event::{Event, EventBody, StreamId};
use crate::hlc::Hlc;
use crate::ids::{DeviceId, EmployeeId, EventId, StoreId};
use payloads::Wire;

/// The schema version this build writes for a kind. A payload that gained a field is a new
/// version; every older version of a kind still decodes (an added field is optional, with a
/// default, so schema 1 payloads read as schema 2 ones with the field absent). An older build
/// refuses a version it does not know rather than dropping the new field unseen.
pub fn current_schema(kind: &str) -> u32 {
    match kind {
        // Schema 2: the approving manager is recorded (`approved_by`); a refund says how the
        // money went back (`method`); the settings carry the card tip limit; a pairing records
        // the device's certificate (`cert_fingerprint`); an item of the menu names its kitchen
        // stations (`stations`); a printer may have a cash drawer and be a station's fallback
        // (`drawer`, `fallback_for`).
        "PaymentVoided" | "OrderCancelled" | "EmployeeSaved" | "RefundIssued" | "DevicePaired"
        | "CatalogPublished" | "PrinterSaved" => 2,
        // Schema 3: a line may carry an allergy (`LineChange::Allergy`).
        "LineChanged" => 3,
        // Schema 3: the settings carry the kitchen's age targets per station.
        "SettingsPublished" => 3,
        _ => 1,
    }
}

fn check_kind(kind: &str, schema: u32) -> Result<(), CodecError> {
    if !KNOWN_KINDS.contains(&kind) {
        return Err(CodecError::UnknownKind(kind.to_owned()));
    }
    if schema == 0 || schema > current_schema(kind) {
        return Err(CodecError::UnknownSchema {
            kind: kind.to_owned(),
            schema,
        });
    }
    Ok(())
}

/// An event as stored and sent: the envelope in plain fields, the payload as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StoredEvent {
    /// Event id.
    pub id: EventId,
    /// Store id.
    pub store_id: StoreId,
    /// Device id.
    pub device_id: DeviceId,
    /// Device sequence.
    pub device_seq: u64,
    /// Stream, as text (`order:<uuid>`, `catalog`…).
    pub stream: String,
    /// HLC stamp.
    pub hlc: Hlc,
    /// The acting employee.
    pub actor: Option<EmployeeId>,
    /// The kind (`LineAdded`…).
    pub kind: String,
    /// The payload's schema version.
    pub schema: u32,
    /// The payload.
    #[schema(value_type = Object)]
    pub payload: Payload,
}

/// An event's payload as its device wrote it: JSON text, kept as text from the wire to the log
/// and back out (never parsed into a tree and written again on the way through a node; only
/// decoding it into its [`EventBody`] reads it). This build writes it canonically (keys sorted,
/// no spaces), so every node holds the same bytes; two payloads are equal when their texts are,
/// or else when they are the same JSON (an older build, or another client, may have spaced it).
#[derive(Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Payload(Box<serde_json::value::RawValue>);

impl Payload {
    /// A payload from JSON text, checked to be JSON (not re-written).
    pub fn from_text(text: String) -> Result<Payload, CodecError> {
        serde_json::value::RawValue::from_string(text)
            .map(Payload)
            .map_err(|e| CodecError::NotJson(e.to_string()))
    }

    /// A payload from a JSON value, written canonically.
    pub fn from_value(v: &serde_json::Value) -> Payload {
        // A `Value` always serialises (the fallback, `null`, is never taken).
        Payload(serde_json::value::to_raw_value(v).unwrap_or_default())
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        self.0.get()
    }

    /// The payload as a JSON value (for tests and tools; the store never needs the tree).
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::from_str(self.as_str()).unwrap_or(serde_json::Value::Null)
    }
}

impl PartialEq for Payload {
    fn eq(&self, other: &Payload) -> bool {
        self.as_str() == other.as_str() || self.to_value() == other.to_value()
    }
}

impl std::fmt::Debug for Payload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an event could not be decoded. Such an event goes to the dead-letter list, never dropped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    /// A kind this build does not know (a newer terminal made it).
    #[error("unknown event kind {0:?}")]
    UnknownKind(String),
    /// A schema version this build does not know.
    #[error("{kind}: unknown schema version {schema}")]
    UnknownSchema {
        /// The kind.
        kind: String,
        /// The version.
        schema: u32,
    },
    /// The payload does not match its kind's schema.
    #[error("{kind}: bad payload: {reason}")]
    BadPayload {
        /// The kind.
        kind: String,
        /// What serde said.
        reason: String,
    },
    /// The stream could not be read.
    #[error("bad stream {0:?}")]
    BadStream(String),
    /// The JSON text itself is broken.
    #[error("not an event: {0}")]
    NotJson(String),
}

/// Encodes an event for storage or the wire.
pub fn encode(e: &Event) -> StoredEvent {
    StoredEvent {
        id: e.id,
        store_id: e.store_id,
        device_id: e.device_id,
        device_seq: e.device_seq,
        stream: e.stream.to_string(),
        hlc: e.hlc,
        actor: e.actor,
        kind: e.body.kind().to_owned(),
        schema: current_schema(e.body.kind()),
        // Through a `Value`, so the text is canonical (keys sorted, no spaces).
        payload: Payload::from_value(&payload_value(&e.body)),
    }
}

/// The payload types of each kind ([`payloads`]): the one list both ways go by.
macro_rules! bodies {
    ($($kind:ident => $wire:ident),* $(,)?) => {
        /// Every kind this build decodes.
        pub const KNOWN_KINDS: &[&str] = &[$(stringify!($kind)),*];

        /// A body's payload in its wire form, as a JSON value.
        fn payload_value(body: &EventBody) -> serde_json::Value {
            // Serialising these types cannot fail (no maps with non-string keys).
            match body {
                $(EventBody::$kind(b) => serde_json::to_value(payloads::$wire::of(b)),)*
            }
            .unwrap_or(serde_json::Value::Null)
        }

        /// A payload's text read as its kind's wire type, then as the domain's body.
        fn body_of(kind: &str, payload: &str) -> Result<EventBody, CodecError> {
            fn de<T: serde::de::DeserializeOwned>(kind: &str, text: &str) -> Result<T, CodecError> {
                serde_json::from_str(text).map_err(|e| CodecError::BadPayload {
                    kind: kind.to_owned(),
                    reason: e.to_string(),
                })
            }
            Ok(match kind {
                $(stringify!($kind) => EventBody::$kind(de::<payloads::$wire>(kind, payload)?.domain()),)*
                other => return Err(CodecError::UnknownKind(other.to_owned())),
            })
        }
    };
}

bodies! {
    OrderOpened => OrderOpened,
    LineAdded => LineAdded,
    LineChanged => LineChanged,
    LineVoided => LineVoided,
    OrderFired => OrderFired,
    OrderNoteSet => OrderNoteSet,
    OrderTypeChanged => OrderTypeChanged,
    DiscountApplied => DiscountApplied,
    DiscountRemoved => DiscountRemoved,
    PaymentRecorded => PaymentRecorded,
    PaymentVoided => PaymentVoided,
    RefundIssued => RefundIssued,
    OverRefundAccepted => OverRefundAccepted,
    OrderClosed => OrderClosed,
    OrderCancelled => OrderCancelled,
    OrderReopened => OrderReopened,
    CancelConfirmed => CancelConfirmed,
    CatalogPublished => Catalog,
    EmployeeSaved => EmployeeSaved,
    SettingsPublished => StoreSettings,
    DevicePaired => DevicePaired,
    DeviceRevoked => DeviceRevoked,
    DeviceAddressSet => DeviceAddressSet,
    PrinterSaved => PrinterSaved,
    TicketPrinted => TicketPrinted,
    ReceiptPrinted => ReceiptPrinted,
    DrawerOpened => DrawerOpened,
    KitchenMarked => KitchenMarked,
    KitchenRecalled => KitchenRecalled,
    KitchenRushed => KitchenRushed,
    CourseHeld => CourseHeld,
}

/// Decodes a payload given as JSON text, of a given kind and schema version, straight into its
/// wire type (no intermediate `serde_json::Value`; the store reads every event this way when it
/// re-projects) and then into the domain's body.
pub fn decode_body_str(kind: &str, schema: u32, payload: &str) -> Result<EventBody, CodecError> {
    check_kind(kind, schema)?;
    body_of(kind, payload)
}

/// An optional body as `{"kind": …, "payload": …}`, for a projection's stored form that holds one
/// (an orphan's pending change): `#[serde(with = "crate::codec::tagged_body")]`. Written and read
/// through the wire types, like the log.
pub mod tagged_body {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{EventBody, body_of, payload_value};

    #[derive(Deserialize)]
    struct Tagged {
        kind: String,
        payload: serde_json::Value,
    }

    /// Writes the body, or `null`.
    pub fn serialize<S: Serializer>(body: &Option<EventBody>, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Out<'a> {
            kind: &'a str,
            payload: serde_json::Value,
        }
        body.as_ref()
            .map(|b| Out {
                kind: b.kind(),
                payload: payload_value(b),
            })
            .serialize(s)
    }

    /// Reads the body, or `null`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<EventBody>, D::Error> {
        Option::<Tagged>::deserialize(d)?
            .map(|t| body_of(&t.kind, &t.payload.to_string()).map_err(D::Error::custom))
            .transpose()
    }
}

/// Decodes a stored event.
pub fn decode(s: &StoredEvent) -> Result<Event, CodecError> {
    let stream: StreamId = s
        .stream
        .parse()
        .map_err(|_| CodecError::BadStream(s.stream.clone()))?;
    let body = decode_body_str(&s.kind, s.schema, s.payload.as_str())?;
    Ok(Event {
        id: s.id,
        store_id: s.store_id,
        device_id: s.device_id,
        device_seq: s.device_seq,
        stream,
        hlc: s.hlc,
        actor: s.actor,
        body,
    })
}

/// Decodes an event from JSON text (a golden file, a wire message).
pub fn decode_json(text: &str) -> Result<Event, CodecError> {
    let s: StoredEvent =
        serde_json::from_str(text).map_err(|e| CodecError::NotJson(e.to_string()))?;
    decode(&s)
}
