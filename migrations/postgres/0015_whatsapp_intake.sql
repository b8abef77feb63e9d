-- WhatsApp intake (issue 10): every webhook delivery whose signature held,
-- stored raw before the provider gets its 200 and processed after (the
-- messages it carries, each once). provider CHECK = domain::whatsapp::
-- inbound::Provider. Times UTC ms.
CREATE TABLE wa_deliveries (
    id BIGSERIAL PRIMARY KEY,
    provider TEXT NOT NULL CHECK (provider IN ('meta', 'twilio')),
    -- The body exactly as signed (JSON from Meta, a form from Twilio).
    body TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    processed_at BIGINT,
    attempts BIGINT NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    -- Why the last processing attempt failed (internal; never sent anywhere).
    error TEXT
);
-- The processor takes the unprocessed ones in arrival order.
CREATE INDEX wa_deliveries_pending ON wa_deliveries(processed_at, id);
