-- Bans, for every node: refused at connect wherever the client arrives.
CREATE TABLE ban (
    range   text PRIMARY KEY,
    until   timestamptz,
    reason  text NOT NULL
);

-- Bumped by every change to ban, read each second by the servers; its row lock serialises changes.
CREATE TABLE ban_version (
    only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    version   bigint NOT NULL
);
INSERT INTO ban_version VALUES (true, 0);

-- Events every node counts toward one limit, a row each, by the node that saw it: the messages a
-- user queued (kind "sent", weight the recipients) and the offences of a client (kind "offence").
CREATE TABLE counted_event (
    kind    text NOT NULL,
    key     text NOT NULL,
    node    text NOT NULL,
    at      timestamptz NOT NULL,
    weight  integer NOT NULL
);
CREATE INDEX counted_event_kind_at ON counted_event (kind, at);

-- MTA-STS policies fetched by any node, kept until they expire (RFC 8461 5.1).
CREATE TABLE mta_sts_policy (
    domain   text PRIMARY KEY,
    id       text NOT NULL,
    mode     text NOT NULL,
    mx       text[] NOT NULL,
    expires  timestamptz NOT NULL
);

-- DKIM keys, for every node's signer: the private key (PKCS#8 PEM) until the key is retired.
CREATE TABLE dkim_key (
    record_name  text PRIMARY KEY,  -- SELECTOR._domainkey.DOMAIN
    domain       text NOT NULL,
    selector     text NOT NULL,
    algorithm    text NOT NULL,
    stage        text NOT NULL,
    public_key   text NOT NULL,
    created      timestamptz NOT NULL,
    changed      timestamptz NOT NULL,
    private_pem  text
);

-- Bumped by every change to dkim_key, read each second by the servers' signers.
CREATE TABLE dkim_key_version (
    only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    version   bigint NOT NULL
);
INSERT INTO dkim_key_version VALUES (true, 0);
