UPDATE mock_gateway_sessions SET status = 'declined' WHERE status = 'cancelled';
ALTER TABLE mock_gateway_sessions DROP CONSTRAINT mock_gateway_sessions_status_check;
ALTER TABLE mock_gateway_sessions ADD CONSTRAINT mock_gateway_sessions_status_check
    CHECK (status IN ('pending', 'approved', 'declined'));

DROP INDEX payment_intents_session;
ALTER TABLE orders DROP COLUMN guest_secret_hash;
DROP TABLE staff_spent_refresh_tokens;
ALTER TABLE otp_challenges DROP COLUMN registration_until;
ALTER TABLE customers DROP COLUMN verified_email;
ALTER TABLE customers DROP COLUMN verified_phone;
