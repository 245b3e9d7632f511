-- The instance's own Application actor (/actor) signs fetches and can be followed by other
-- instances (FEP-2677). It has exactly one key pair, made on first start.
CREATE TABLE instance_actor (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	public_key_pem TEXT NOT NULL,
	private_key_pem TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL
);

-- When an account last signed in, for NodeInfo's active-user counts.
ALTER TABLE accounts ADD COLUMN last_active_at TIMESTAMPTZ;
CREATE INDEX accounts_last_active ON accounts (last_active_at);
