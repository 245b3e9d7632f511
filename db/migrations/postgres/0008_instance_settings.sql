-- What an admin changes at runtime (/admin/settings): one row, absent until the first save.
-- An empty registration keeps the mode configured by CONVENE_REGISTRATION.
CREATE TABLE instance_settings (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	name TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	registration TEXT NOT NULL DEFAULT '' CHECK (registration IN ('', 'open', 'approval', 'closed')),
	updated_at TIMESTAMPTZ NOT NULL
);
