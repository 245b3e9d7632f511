-- Local actors: accounts and communities share one namespace of names (@name@domain) and
-- keep their signing keys here. Names are stored normalized (lowercase).
CREATE TABLE actors (
	id TEXT PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('person', 'group')),
	name TEXT NOT NULL CHECK (name = lower(name) AND length(name) BETWEEN 1 AND 30),
	public_key_pem TEXT NOT NULL,
	private_key_pem TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX actors_name_key ON actors (name);

CREATE TABLE accounts (
	id TEXT PRIMARY KEY REFERENCES actors (id) ON DELETE CASCADE,
	email TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	role TEXT NOT NULL CHECK (role IN ('admin', 'moderator', 'member')),
	state TEXT NOT NULL CHECK (state IN ('approved', 'pending')),
	display_name TEXT NOT NULL DEFAULT '',
	bio TEXT NOT NULL DEFAULT '',
	timezone TEXT NOT NULL DEFAULT 'UTC',
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX accounts_email_key ON accounts (lower(email));
CREATE INDEX accounts_role_state ON accounts (role, state);

CREATE TABLE communities (
	id TEXT PRIMARY KEY REFERENCES actors (id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	summary TEXT NOT NULL DEFAULT '',
	region TEXT NOT NULL DEFAULT '',
	owner_id TEXT NOT NULL REFERENCES accounts (id),
	follow_policy TEXT NOT NULL CHECK (follow_policy IN ('open', 'approval')),
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL
);
CREATE INDEX communities_owner ON communities (owner_id);

CREATE TABLE community_moderators (
	community_id TEXT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
	account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	created_at TIMESTAMP NOT NULL,
	PRIMARY KEY (community_id, account_id)
);
CREATE INDEX community_moderators_account ON community_moderators (account_id);
