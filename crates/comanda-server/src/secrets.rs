//! Tokens and pairing codes: random from the operating system, stored only as SHA-256 hashes
//! (a code is kept as the key of the pairing proofs, `comanda_sync::tls::code_key`, a slow hash).

use crate::error::HubError;

fn random<const N: usize>() -> Result<[u8; N], HubError> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| HubError::Setup(format!("no randomness: {e}")))?;
    Ok(buf)
}

/// A device token: 256 random bits, as `cmd_` and 64 hex digits.
pub fn new_token() -> Result<String, HubError> {
    Ok(format!("cmd_{}", hex::encode(random::<32>()?)))
}

/// A store's PIN pepper: 256 random bits.
pub fn new_pepper() -> Result<[u8; 32], HubError> {
    random::<32>()
}

/// Crockford's base32 alphabet: no I, L, O or U to misread.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A pairing code: 50 random bits as `XXXXX-XXXXX`, easy to read out and type.
pub fn new_code() -> Result<String, HubError> {
    let bytes = random::<8>()?;
    let mut n = u64::from_le_bytes(bytes);
    let mut out = String::with_capacity(11);
    for i in 0..10 {
        if i == 5 {
            out.push('-');
        }
        out.push(char::from(ALPHABET[(n & 31) as usize]));
        n >>= 5;
    }
    Ok(out)
}

/// The SHA-256 of a secret, in hex (the same hash every node keeps of a device token).
pub fn hash(secret: &str) -> String {
    comanda_sync::http::token_hash(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back_whatever_the_case_and_dashes() {
        let code = new_code().unwrap();
        assert_eq!(code.len(), 11);
        assert_eq!(&code[5..6], "-");
        let typed = code.to_lowercase().replace('-', " ");
        let node = comanda_sync::tls::Fingerprint::of(b"hub");
        assert_eq!(
            comanda_sync::tls::code_key(&typed, &node).unwrap(),
            comanda_sync::tls::code_key(&code, &node).unwrap()
        );
        assert_ne!(new_code().unwrap(), code);
        let token = new_token().unwrap();
        assert_eq!(token.len(), 68);
        assert_eq!(hash(&token).len(), 64);
    }
}
