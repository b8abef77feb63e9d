-- Sign-in hardening (issue 7): durable attempt counters shared by every
-- server process, the last accepted TOTP time step per user (no replays),
-- and an index to revoke a user's older reset tokens.

-- One counter per (scope, key) in a fixed window: `attempts` is reserved
-- before a password or reset token is checked, so parallel attempts cannot
-- pass the limit together.
CREATE TABLE auth_throttle (
    scope TEXT NOT NULL CHECK (scope IN ('pair', 'address', 'username', 'reset', 'reauth')),
    throttle_key TEXT NOT NULL,
    window_start INTEGER NOT NULL,
    attempts INTEGER NOT NULL CHECK (attempts >= 0),
    PRIMARY KEY (scope, throttle_key)
);
CREATE INDEX auth_throttle_window ON auth_throttle(window_start);

ALTER TABLE users ADD COLUMN totp_last_step INTEGER;

CREATE INDEX password_resets_user ON password_resets(user_id);
