-- Files attached to posts: a local upload (owner set, files kept under file_key and
-- small_key) or a remote attachment we only link to (remote_url). post_id stays NULL until
-- the upload is attached; unattached uploads are swept a day after created_at, which a
-- post's deletion by its author sets anew (its files wait a day for a redraft).
CREATE TABLE media (
	id TEXT PRIMARY KEY,
	account_id TEXT REFERENCES accounts (id) ON DELETE CASCADE,
	post_id TEXT REFERENCES posts (id) ON DELETE CASCADE,
	kind TEXT NOT NULL CHECK (kind IN ('image', 'gifv', 'video', 'audio', 'unknown')),
	content_type TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	blurhash TEXT NOT NULL DEFAULT '',
	width INTEGER NOT NULL DEFAULT 0,
	height INTEGER NOT NULL DEFAULT 0,
	size BIGINT NOT NULL DEFAULT 0,
	small_width INTEGER NOT NULL DEFAULT 0,
	small_height INTEGER NOT NULL DEFAULT 0,
	small_size BIGINT NOT NULL DEFAULT 0,
	file_key TEXT NOT NULL DEFAULT '',
	small_key TEXT NOT NULL DEFAULT '',
	remote_url TEXT NOT NULL DEFAULT '',
	focus_x DOUBLE PRECISION NOT NULL DEFAULT 0,
	focus_y DOUBLE PRECISION NOT NULL DEFAULT 0,
	position INTEGER NOT NULL DEFAULT 0,
	created_at TIMESTAMPTZ NOT NULL
);
-- A page of statuses loads its posts' media at once; only_media asks whether any exist.
CREATE INDEX media_post ON media (post_id, position);
-- Serving /media/{key} finds the upload by either of its files.
CREATE INDEX media_file_key ON media (file_key) WHERE file_key <> '';
CREATE INDEX media_small_key ON media (small_key) WHERE small_key <> '';
-- The sweep of uploads never attached.
CREATE INDEX media_unattached ON media (created_at) WHERE post_id IS NULL;
