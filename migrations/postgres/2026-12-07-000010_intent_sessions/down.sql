DELETE FROM payment_intents WHERE gateway_session IS NULL;
ALTER TABLE payment_intents ALTER COLUMN gateway_session SET NOT NULL;
