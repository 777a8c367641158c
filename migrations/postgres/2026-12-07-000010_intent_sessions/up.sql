-- A payment intent is stored before the gateway is asked to open its checkout (no transaction
-- is held across the gateway's network call), so its gateway session is unknown until the
-- gateway answers; an intent whose opening failed keeps none.
ALTER TABLE payment_intents ALTER COLUMN gateway_session DROP NOT NULL;
