//! TLS between nodes, as Syncthing does it: every node (the hub, each terminal) has a
//! self-signed certificate of its own, and a node's identity on the wire is the SHA-256 of that
//! certificate, its [`Fingerprint`]. Nothing trusts a certificate authority: each side pins the
//! fingerprint it learnt at pairing (the hub's, bound to the pairing code by [`pair_proof`]) or
//! from the store's log (each terminal's, recorded in its `DevicePaired` by the hub that paired
//! it), and the answering side reads the asker's fingerprint from its client certificate.
//!
//! - [`Identity`]: a node's key and certificate, made by rcgen (ECDSA P-256);
//! - [`client_config`]: the asker's rustls configuration, presenting its certificate and
//!   accepting only the pinned one ([`Pin`]);
//! - [`serve`]: an axum router behind TLS, each request carrying the asker's [`PeerAddr`]
//!   (its socket address and certificate fingerprint);
//! - [`pair_proof`]: the pairing code as a key binding both fingerprints, so a machine in the
//!   middle of a pairing is found by both sides.
//!
//! Dates are not checked: a pinned certificate is trusted for what it is, not for a validity
//! window (a terminal whose clock is a day off must still sync, and certificates say "no
//! expiry" as RFC 5280 allows). Only TLS 1.3 is spoken: every node is ours.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::extract::connect_info::Connected;
use axum::serve::IncomingStream;
use hmac::Mac;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, SignatureScheme};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::server::TlsStream;

use crate::error::SyncError;

/// How long a connection may take to finish its TLS handshake before it is dropped.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The most handshakes under way at once: a flood of silent connections waits its turn (each
/// dropped after [`HANDSHAKE_TIMEOUT`]) instead of holding a task and a socket each.
pub const MAX_HANDSHAKES: usize = 256;

/// ring, chosen explicitly: no process-wide default to race for, and no C toolchain beyond `cc`.
static PROVIDER: LazyLock<Arc<CryptoProvider>> =
    LazyLock::new(|| Arc::new(rustls::crypto::ring::default_provider()));

/// Makes ring the process's default rustls provider, once. Every TLS configuration of this
/// crate names its provider itself; this is for HTTP clients built elsewhere in the process
/// (reqwest builds a TLS configuration even for plain `http://` clients, and panics without a
/// default). Binaries call it first thing; calling it again does nothing.
pub fn install_default_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Err: another provider was installed first, which serves as well.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

fn tls_error(what: &str, e: impl std::fmt::Display) -> SyncError {
    SyncError::Tls(format!("{what}: {e}"))
}

/// The SHA-256 of a node's certificate (DER): who a node is on the wire.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// The fingerprint of a certificate in DER form.
    pub fn of(cert_der: &[u8]) -> Fingerprint {
        use sha2::Digest;
        Fingerprint(sha2::Sha256::digest(cert_der).into())
    }

    /// The 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The first 16 hex digits in groups of four (`3f2a-91c0-…`): enough for a person to
    /// compare two screens, not a replacement for the whole.
    pub fn short(&self) -> String {
        let hex = hex::encode(&self.0[..8]);
        hex.as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("-")
    }
}

impl std::fmt::Display for Fingerprint {
    /// 64 lowercase hex digits: the form kept in databases and logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl std::fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Fingerprint({})", self.short())
    }
}

impl std::str::FromStr for Fingerprint {
    type Err = SyncError;

    /// 64 hex digits, in either case, with or without `:` between bytes (as `openssl x509
    /// -fingerprint -sha256` prints it).
    fn from_str(s: &str) -> Result<Fingerprint, SyncError> {
        let digits: String = s.chars().filter(|c| *c != ':').collect();
        let mut out = [0u8; 32];
        hex::decode_to_slice(digits, &mut out)
            .map_err(|_| SyncError::Tls(format!("not a SHA-256 fingerprint: {s:?}")))?;
        Ok(Fingerprint(out))
    }
}

impl serde::Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Fingerprint {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Fingerprint, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A node's TLS identity: its private key (PKCS#8) and self-signed certificate (DER).
pub struct Identity {
    cert: CertificateDer<'static>,
    key: PrivatePkcs8KeyDer<'static>,
    fingerprint: Fingerprint,
}

impl Clone for Identity {
    fn clone(&self) -> Identity {
        Identity {
            cert: self.cert.clone(),
            key: self.key.clone_key(),
            fingerprint: self.fingerprint,
        }
    }
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key never prints.
        f.debug_struct("Identity")
            .field("fingerprint", &self.fingerprint)
            .finish_non_exhaustive()
    }
}

impl Identity {
    /// A fresh key pair and certificate (a node makes one at first start, a terminal a new one
    /// each time it pairs, so a copied disk never shares one).
    pub fn generate() -> Result<Identity, SyncError> {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
            .map_err(|e| tls_error("making a key", e))?;
        let mut params = rcgen::CertificateParams::new(vec!["comanda-node".to_owned()])
            .map_err(|e| tls_error("making a certificate", e))?;
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "Comanda node");
        params.not_before = rcgen::date_time_ymd(2000, 1, 1);
        // RFC 5280 §4.1.2.5: 9999-12-31 says "no well-defined expiration date".
        params.not_after = rcgen::date_time_ymd(9999, 12, 31);
        let cert = params
            .self_signed(&key)
            .map_err(|e| tls_error("signing the certificate", e))?;
        Identity::from_der(cert.der().to_vec(), key.serialize_der())
    }

    /// An identity kept as DER (certificate) and PKCS#8 DER (key); checks the key is usable.
    pub fn from_der(cert: Vec<u8>, key: Vec<u8>) -> Result<Identity, SyncError> {
        let id = Identity {
            fingerprint: Fingerprint::of(&cert),
            cert: CertificateDer::from(cert),
            key: PrivatePkcs8KeyDer::from(key),
        };
        id.certified_key()?;
        Ok(id)
    }

    /// The certificate, DER.
    pub fn cert_der(&self) -> &[u8] {
        self.cert.as_ref()
    }

    /// The private key, PKCS#8 DER (kept only in this node's own database).
    pub fn key_der(&self) -> &[u8] {
        self.key.secret_pkcs8_der()
    }

    /// Who this node is on the wire.
    pub fn fingerprint(&self) -> Fingerprint {
        self.fingerprint
    }

    fn certified_key(&self) -> Result<Arc<rustls::sign::CertifiedKey>, SyncError> {
        let signer = PROVIDER
            .key_provider
            .load_private_key(PrivateKeyDer::Pkcs8(self.key.clone_key()))
            .map_err(|e| tls_error("loading the key", e))?;
        Ok(Arc::new(rustls::sign::CertifiedKey::new(
            vec![self.cert.clone()],
            signer,
        )))
    }
}

/// Which certificate the asker accepts from the node it connects to.
#[derive(Debug, Clone)]
pub enum Pin {
    /// Only this one (every exchange after pairing).
    Is(Fingerprint),
    /// Any, noting which (pairing only: the pairing code then proves it, see [`pair_proof`]).
    Learn(Arc<Mutex<Option<Fingerprint>>>),
}

impl Pin {
    /// A pin that learns, and the slot it writes to.
    pub fn learn() -> (Pin, Arc<Mutex<Option<Fingerprint>>>) {
        let slot = Arc::new(Mutex::new(None));
        (Pin::Learn(slot.clone()), slot)
    }
}

/// The handshake's signature checks, the same for both verifiers (see [`verify_signature`]).
macro_rules! signature_checks {
    () => {
        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            verify_signature(false, message, cert, dss)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            verify_signature(true, message, cert, dss)
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            PROVIDER
                .signature_verification_algorithms
                .supported_schemes()
        }
    };
}

/// Signatures in the handshake are checked whatever the pin: holding the certificate is not
/// enough, the peer must hold its key.
fn verify_signature(
    tls13: bool,
    message: &[u8],
    cert: &CertificateDer<'_>,
    dss: &DigitallySignedStruct,
) -> Result<HandshakeSignatureValid, rustls::Error> {
    let algorithms = &PROVIDER.signature_verification_algorithms;
    if tls13 {
        rustls::crypto::verify_tls13_signature(message, cert, dss, algorithms)
    } else {
        rustls::crypto::verify_tls12_signature(message, cert, dss, algorithms)
    }
}

/// The asker's check of the answering node's certificate: its fingerprint against the pin.
#[derive(Debug)]
struct Pinned(Pin);

/// Why a pinned connection was refused, as the asker's error chain shows it.
#[derive(Debug, thiserror::Error)]
#[error(
    "the node answering there is not the one paired with (certificate {seen}, expected {expected}): another machine may have taken its address"
)]
struct NotPinned {
    seen: String,
    expected: String,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let seen = Fingerprint::of(end_entity);
        match &self.0 {
            Pin::Is(expected) if *expected == seen => Ok(ServerCertVerified::assertion()),
            Pin::Is(expected) => Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::Other(rustls::OtherError(Arc::new(NotPinned {
                    seen: seen.short(),
                    expected: expected.short(),
                }))),
            )),
            Pin::Learn(slot) => {
                *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(seen);
                Ok(ServerCertVerified::assertion())
            }
        }
    }

    signature_checks!();
}

/// The answering side takes any client certificate (or none) whose key signed the handshake:
/// which device it stands for is decided per request, against the store's records.
#[derive(Debug)]
struct AnyClientCert;

impl ClientCertVerifier for AnyClientCert {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        false
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }

    signature_checks!();
}

/// The asker's TLS configuration: presents `identity` (when it has one; a node that is not
/// paired yet still has its own) and accepts only what `pin` says.
pub fn client_config(
    identity: Option<&Identity>,
    pin: Pin,
) -> Result<rustls::ClientConfig, SyncError> {
    let builder = rustls::ClientConfig::builder_with_provider(PROVIDER.clone())
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(|e| tls_error("configuring TLS", e))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Pinned(pin)));
    let mut config = match identity {
        Some(id) => builder
            .with_client_auth_cert(
                vec![id.cert.clone()],
                PrivateKeyDer::Pkcs8(id.key.clone_key()),
            )
            .map_err(|e| tls_error("loading this node's certificate", e))?,
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// The answering side's TLS configuration.
pub fn server_config(identity: &Identity) -> Result<Arc<rustls::ServerConfig>, SyncError> {
    let mut config = rustls::ServerConfig::builder_with_provider(PROVIDER.clone())
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(|e| tls_error("configuring TLS", e))?
        .with_client_cert_verifier(Arc::new(AnyClientCert))
        .with_single_cert(
            vec![identity.cert.clone()],
            PrivateKeyDer::Pkcs8(identity.key.clone_key()),
        )
        .map_err(|e| tls_error("loading this node's certificate", e))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Who sent a request: its socket address and, when it presented one, its certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerAddr {
    /// Where the connection came from.
    pub addr: SocketAddr,
    /// The fingerprint of the client certificate it presented.
    pub cert: Option<Fingerprint>,
}

impl Connected<IncomingStream<'_, TlsListener>> for PeerAddr {
    fn connect_info(stream: IncomingStream<'_, TlsListener>) -> PeerAddr {
        *stream.remote_addr()
    }
}

/// The asker's certificate, as the TLS layer gave it to a request (none over plain HTTP).
pub fn peer_cert(extensions: &axum::http::Extensions) -> Option<Fingerprint> {
    extensions
        .get::<axum::extract::ConnectInfo<PeerAddr>>()
        .and_then(|c| c.0.cert)
}

/// Accepts TCP connections and finishes their handshakes apart (a slow or silent client holds
/// up no one), handing axum the streams that made it.
pub struct TlsListener {
    ready: tokio::sync::mpsc::Receiver<(TlsStream<TcpStream>, PeerAddr)>,
    local: SocketAddr,
    accepting: tokio::task::JoinHandle<()>,
}

impl Drop for TlsListener {
    fn drop(&mut self) {
        // Stop accepting: the port is free once the server stops.
        self.accepting.abort();
    }
}

impl TlsListener {
    /// Wraps `tcp` with `config`.
    pub fn new(
        tcp: TcpListener,
        config: Arc<rustls::ServerConfig>,
    ) -> std::io::Result<TlsListener> {
        let local = tcp.local_addr()?;
        let (tx, ready) = tokio::sync::mpsc::channel(64);
        let acceptor = tokio_rustls::TlsAcceptor::from(config);
        let slots = Arc::new(tokio::sync::Semaphore::new(MAX_HANDSHAKES));
        let accepting = tokio::spawn(async move {
            loop {
                // A slot first: past MAX_HANDSHAKES, new connections wait in the kernel's queue.
                let Ok(slot) = slots.clone().acquire_owned().await else {
                    return;
                };
                let (stream, addr) = match tcp.accept().await {
                    Ok(c) => c,
                    Err(e) => {
                        // Out of file descriptors and the like: wait, as axum's own loop does.
                        tracing::warn!(error = %e, "accepting a connection failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                if tx.is_closed() {
                    return;
                }
                // Small requests and notices: no Nagle delay.
                let _ = stream.set_nodelay(true);
                let (acceptor, tx) = (acceptor.clone(), tx.clone());
                tokio::spawn(async move {
                    let handshake =
                        tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await;
                    drop(slot);
                    match handshake {
                        Ok(Ok(tls)) => {
                            let cert = tls
                                .get_ref()
                                .1
                                .peer_certificates()
                                .and_then(|c| c.first())
                                .map(|c| Fingerprint::of(c));
                            let _ = tx.send((tls, PeerAddr { addr, cert })).await;
                        }
                        Ok(Err(e)) => tracing::debug!(%addr, error = %e, "TLS handshake failed"),
                        Err(_) => tracing::debug!(%addr, "TLS handshake timed out"),
                    }
                });
            }
        });
        Ok(TlsListener {
            ready,
            local,
            accepting,
        })
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = PeerAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(conn) => conn,
            // The accepting task ended: nothing more will come.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<PeerAddr> {
        Ok(PeerAddr {
            addr: self.local,
            cert: None,
        })
    }
}

/// Serves `router` over TLS as `identity` on `tcp` until `shutdown` resolves (then finishes the
/// requests in flight). Handlers find the asker with [`peer_cert`].
pub async fn serve(
    tcp: TcpListener,
    identity: &Identity,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let config = server_config(identity).map_err(std::io::Error::other)?;
    let listener = TlsListener::new(tcp, config)?;
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<PeerAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Which side of a pairing a proof comes from (each side proves with its own label, so one
/// side's proof can never be replayed as the other's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The device asking to join.
    Joiner,
    /// The node that pairs it.
    Pairer,
}

/// A pairing code as typed, normalised: capitals, no dashes or spaces, and the letters people
/// confuse read as the digits they look like.
pub fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect()
}

/// The key a pairing code gives for the node that made it: argon2id (19 MiB, 2 passes, the
/// OWASP floor) of the normalised code, salted with that node's certificate fingerprint, in hex;
/// also all the pairing node keeps of the code. The cost is what guards the code's 50 bits: a
/// relay that saw one proof must try codes one argon2 at a time, against this one node, before
/// the code expires (15 minutes), which 2^49 tries at tens of milliseconds each never reach.
pub fn code_key(code: &str, pairer: &Fingerprint) -> Result<String, SyncError> {
    let params = argon2::Params::new(19 * 1024, 2, 1, Some(32))
        .map_err(|e| tls_error("pairing key parameters", e))?;
    let mut out = [0u8; 32];
    argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password_into(normalise_code(code).as_bytes(), pairer.as_bytes(), &mut out)
        .map_err(|e| tls_error("deriving the pairing key", e))?;
    Ok(hex::encode(out))
}

/// What proves knowledge of a pairing code and binds it to the two certificates the TLS
/// connection carries: HMAC-SHA-256 keyed by [`code_key`] (a slow hash of the code) over the side, the pairing node's
/// fingerprint and the joining device's. A machine in the middle presents its own certificate
/// to at least one side, so the proofs it relays never match, and it cannot make its own
/// without the code: both sides see the pairing fail instead of being pinned to it.
pub fn pair_proof(
    code_key: &str,
    side: Side,
    pairer: &Fingerprint,
    joiner: &Fingerprint,
) -> String {
    hex::encode(
        proof_mac(code_key, side, pairer, joiner)
            .finalize()
            .into_bytes(),
    )
}

/// Checks a proof in constant time.
pub fn proof_matches(
    proof: &str,
    code_key: &str,
    side: Side,
    pairer: &Fingerprint,
    joiner: &Fingerprint,
) -> bool {
    hex::decode(proof.trim()).is_ok_and(|given| {
        proof_mac(code_key, side, pairer, joiner)
            .verify_slice(&given)
            .is_ok()
    })
}

fn proof_mac(
    code_key: &str,
    side: Side,
    pairer: &Fingerprint,
    joiner: &Fingerprint,
) -> hmac::Hmac<sha2::Sha256> {
    // HMAC takes a key of any length: this cannot fail.
    let mut mac = <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(code_key.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of every length"));
    mac.update(match side {
        Side::Joiner => b"comanda pairing v1: joiner\0",
        Side::Pairer => b"comanda pairing v1: pairer\0",
    });
    mac.update(pairer.as_bytes());
    mac.update(joiner.as_bytes());
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_identity_reads_back_from_its_der_and_keeps_its_fingerprint() {
        let id = Identity::generate().unwrap();
        let again = Identity::from_der(id.cert_der().to_vec(), id.key_der().to_vec()).unwrap();
        assert_eq!(again.fingerprint(), id.fingerprint());
        assert_ne!(
            Identity::generate().unwrap().fingerprint(),
            id.fingerprint()
        );
        let text = id.fingerprint().to_string();
        assert_eq!(text.len(), 64);
        assert_eq!(text.parse::<Fingerprint>().unwrap(), id.fingerprint());
        assert!(Identity::from_der(id.cert_der().to_vec(), b"not a key".to_vec()).is_err());
        assert!(format!("{id:?}").contains(&id.fingerprint().short()));
    }

    #[test]
    fn a_proof_holds_only_for_its_code_side_and_certificates() {
        let (a, b, c) = (
            Fingerprint::of(b"hub"),
            Fingerprint::of(b"terminal"),
            Fingerprint::of(b"middle"),
        );
        let key = code_key("abcde-fgh1o", &a).unwrap();
        assert_eq!(key, code_key("ABCDE FGH10", &a).unwrap());
        assert_ne!(
            key,
            code_key("ABCDE FGH10", &b).unwrap(),
            "salted by the pairer"
        );
        let proof = pair_proof(&key, Side::Joiner, &a, &b);
        assert!(proof_matches(&proof, &key, Side::Joiner, &a, &b));
        assert!(!proof_matches(&proof, &key, Side::Pairer, &a, &b));
        assert!(!proof_matches(&proof, &key, Side::Joiner, &c, &b));
        assert!(!proof_matches(&proof, &key, Side::Joiner, &a, &c));
        assert!(!proof_matches(
            &proof,
            &code_key("ABCDE-FGH11", &a).unwrap(),
            Side::Joiner,
            &a,
            &b
        ));
        assert!(!proof_matches("zz", &key, Side::Joiner, &a, &b));
    }
}
