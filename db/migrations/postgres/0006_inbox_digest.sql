-- Mobilizon and Gancio reuse an activity id for later activities about the same object
-- (every Update of a Mobilizon event has its Create's id, "<event>/activity"), so the
-- inbox's dedup key is the id together with a digest of the body: a redelivery, byte for
-- byte, is dropped; a new activity under an old id is not.
ALTER TABLE inbox ADD COLUMN body_digest TEXT NOT NULL DEFAULT '';
DROP INDEX inbox_activity_key;
CREATE UNIQUE INDEX inbox_activity_key ON inbox (activity_iri, body_digest);
