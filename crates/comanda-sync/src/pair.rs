//! The joining side of pairing: a terminal asks a node (the hub) to join the store of a one-time
//! code, over TLS, learning the node's certificate during the handshake and trusting it only
//! once the node has proved it knows the code for the same two certificates. The pairing node's
//! side lives in `comanda-server`.

use crate::http::{CONNECT_TIMEOUT, ErrorBody, REQUEST_TIMEOUT, tls_client, with_causes};
use crate::tls::{Fingerprint, Identity, Pin, Side, code_key, pair_proof, proof_matches};
use crate::wire::{PairRequest, PairResponse};

/// A pairing that went through: who this terminal now is, and the certificate to pin.
#[derive(Debug, Clone)]
pub struct Paired {
    /// What the node answered.
    pub answer: PairResponse,
    /// The node's certificate, proved by the code.
    pub node: Fingerprint,
}

/// Why a pairing did not go through.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PairFailure {
    /// Nothing answered there, or not over TLS.
    #[error("nothing answered at {address}: {reason}")]
    Unreachable {
        /// The address tried.
        address: String,
        /// What the connection said.
        reason: String,
    },
    /// Something answered, but not as a Comanda node.
    #[error("the address answered, but not as a Comanda hub: {0}")]
    NotANode(String),
    /// The node answered with a status: the code is wrong, used or expired (403), too many
    /// tries (429), a bad request (400)…
    #[error("the hub refused ({status}): {message}")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// Its `code`.
        code: String,
        /// Its `message`.
        message: String,
    },
    /// The node accepted, but could not prove it knows the code for this connection: another
    /// machine sits between this terminal and the hub. Nothing is pinned or kept.
    #[error(
        "the node that answered could not prove it made this pairing code: another machine may be in the way"
    )]
    NotProved,
}

/// Asks the node at `address` (`https://host:port`) to pair this terminal, which presents
/// `identity`, with `code`, under `name`.
pub async fn ask_to_pair(
    address: &str,
    code: &str,
    name: &str,
    identity: &Identity,
) -> Result<Paired, PairFailure> {
    let (pin, learnt) = Pin::learn();
    let unreachable = |reason: String| PairFailure::Unreachable {
        address: address.to_owned(),
        reason,
    };
    let client = tls_client(Some(identity), pin).map_err(|e| unreachable(e.to_string()))?;
    let url = format!("{}/v1/pair", address.trim_end_matches('/'));
    // The handshake happens before the body is sent, but the proof needs the certificate it
    // showed: one request learns it (any path answers once the handshake is done).
    client
        .get(format!("{}/healthz", address.trim_end_matches('/')))
        .timeout(REQUEST_TIMEOUT.min(CONNECT_TIMEOUT * 2))
        .send()
        .await
        .map_err(|e| unreachable(with_causes(&e)))?;
    let node = learnt
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .ok_or_else(|| unreachable("no certificate was shown".into()))?;
    // From here on, only that certificate: the pairing request cannot be answered by another.
    let client =
        tls_client(Some(identity), Pin::Is(node)).map_err(|e| unreachable(e.to_string()))?;
    let key = code_key(code, &node).map_err(|e| unreachable(e.to_string()))?;
    let me = identity.fingerprint();
    let resp = client
        .post(&url)
        .json(&PairRequest {
            proof: pair_proof(&key, Side::Joiner, &node, &me),
            name: name.to_owned(),
        })
        .send()
        .await
        .map_err(|e| unreachable(with_causes(&e)))?;
    let status = resp.status().as_u16();
    let text = resp
        .text()
        .await
        .map_err(|e| PairFailure::NotANode(with_causes(&e)))?;
    if status != 200 {
        let body: ErrorBody = serde_json::from_str(&text).map_err(|_| {
            PairFailure::NotANode(format!(
                "status {status}: {}",
                text.chars().take(200).collect::<String>()
            ))
        })?;
        return Err(PairFailure::Refused {
            status,
            code: body.code,
            message: body.message,
        });
    }
    let answer: PairResponse =
        serde_json::from_str(&text).map_err(|e| PairFailure::NotANode(e.to_string()))?;
    if !proof_matches(&answer.proof, &key, Side::Pairer, &node, &me) {
        return Err(PairFailure::NotProved);
    }
    Ok(Paired { answer, node })
}
