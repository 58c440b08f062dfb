-- Failed logins, lockouts and known-good addresses, for every node (LoginThrottle's, shared).
-- A failure is one row per key (a client key or an account) and distinct password tag.
CREATE TABLE login_failure (
    key  text NOT NULL,
    tag  bigint NOT NULL,
    at   timestamptz NOT NULL,
    PRIMARY KEY (key, tag)
);
CREATE INDEX login_failure_at ON login_failure (at);

CREATE TABLE login_lock (
    who    text PRIMARY KEY,
    until  timestamptz NOT NULL
);

CREATE TABLE login_known_good (
    account  text NOT NULL,
    client   text NOT NULL,
    until    timestamptz NOT NULL,
    PRIMARY KEY (account, client)
);

-- Secrets every node uses alike: the key of the password tags.
CREATE TABLE mailgate_secret (
    name   text PRIMARY KEY,
    value  bytea NOT NULL
);
