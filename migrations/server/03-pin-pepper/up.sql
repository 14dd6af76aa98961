-- Each store's PIN pepper (32 random bytes), handed to its terminals when they pair and kept
-- out of the store's event file: terminals mix it into PIN hashes (see the terminal's migration
-- 14). Made at store creation; a store from before this migration gets one at its next pairing.
ALTER TABLE stores ADD COLUMN pin_pepper BLOB;
