-- A certificate pairs one device: two pairings racing with one certificate cannot both land.
CREATE UNIQUE INDEX devices_cert_fingerprint ON devices (cert_fingerprint)
    WHERE cert_fingerprint IS NOT NULL;
