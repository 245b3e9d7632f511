-- What a client's request made under its Idempotency-Key (POST /api/v1/statuses), kept an
-- hour so that a retry gets the same status instead of a second one. made_id is empty while
-- the first request is still at work.
CREATE TABLE idempotency_keys (
	account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	idem_key TEXT NOT NULL,
	made_id TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (account_id, idem_key)
);
