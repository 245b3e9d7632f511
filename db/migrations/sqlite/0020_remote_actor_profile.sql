-- What a remote actor shows of itself, kept from its actor document so apps and pages
-- show others as they are instead of our default picture and an empty note: its avatar
-- (icon) and header (image), http(s) URLs on its server that we link to and never copy,
-- and its bio (summary), HTML sanitized like a post's content. Empty when it has none.
ALTER TABLE remote_actors ADD COLUMN avatar_url TEXT NOT NULL DEFAULT '';
ALTER TABLE remote_actors ADD COLUMN header_url TEXT NOT NULL DEFAULT '';
ALTER TABLE remote_actors ADD COLUMN summary TEXT NOT NULL DEFAULT '';
