-- OAuth for the Mastodon client API. Secrets, tokens and codes are stored as their SHA-256
-- only, like web sessions. Lists (redirect URIs, scopes) are kept as text: newline- and
-- space-separated, as the API writes them.
CREATE TABLE oauth_apps (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	website TEXT NOT NULL DEFAULT '',
	redirect_uris TEXT NOT NULL,
	scopes TEXT NOT NULL,
	client_id TEXT NOT NULL UNIQUE,
	secret_hash TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE oauth_tokens (
	id TEXT PRIMARY KEY,
	token_hash TEXT NOT NULL UNIQUE,
	app_id TEXT NOT NULL REFERENCES oauth_apps (id) ON DELETE CASCADE,
	account_id TEXT REFERENCES accounts (id) ON DELETE CASCADE, -- NULL: client credentials
	scopes TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	last_used_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX oauth_tokens_app ON oauth_tokens (app_id);
CREATE INDEX oauth_tokens_account ON oauth_tokens (account_id);

CREATE TABLE oauth_codes (
	code_hash TEXT PRIMARY KEY,
	app_id TEXT NOT NULL REFERENCES oauth_apps (id) ON DELETE CASCADE,
	account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	redirect_uri TEXT NOT NULL,
	scopes TEXT NOT NULL,
	challenge TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMPTZ NOT NULL,
	expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX oauth_codes_expires ON oauth_codes (expires_at);
