-- A local person's or community's avatar and header: keys of files in the media store, ""
-- for none. Not media rows: those are posts' attachments, swept when left unattached.
ALTER TABLE actors ADD COLUMN avatar_key TEXT NOT NULL DEFAULT '';
ALTER TABLE actors ADD COLUMN header_key TEXT NOT NULL DEFAULT '';
-- Serving /media/{key} asks whether a key is someone's picture.
CREATE INDEX actors_avatar_key ON actors (avatar_key) WHERE avatar_key <> '';
CREATE INDEX actors_header_key ON actors (header_key) WHERE header_key <> '';
