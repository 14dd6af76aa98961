-- TLS between nodes: the hub's own key and self-signed certificate (made at first open, the
-- same for every store it serves; its fingerprint is what terminals pin at pairing), and the
-- fingerprint of the certificate each device paired with. A device's token opens nothing over
-- a connection that presents another certificate.
CREATE TABLE node_identity (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    cert        BLOB    NOT NULL,   -- DER
    key         BLOB    NOT NULL,   -- PKCS#8 DER
    created_ms  INTEGER NOT NULL
) STRICT;

ALTER TABLE devices ADD COLUMN cert_fingerprint TEXT;
