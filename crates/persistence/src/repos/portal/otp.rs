//! One-time code challenges as loaded: the row and its conversion.

use chrono::NaiveDateTime;
use kedai_core::StorageError;
use kedai_identity::OtpChallenge;

use crate::convert::{opt_utc, parse, utc};

pub(super) type OtpRow = (
    String,
    String,
    String,
    String,
    String,
    i32,
    NaiveDateTime,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

pub(super) fn otp(
    (id, tenant, channel, recipient, code_hash, attempts, created, expires, consumed): OtpRow,
) -> Result<OtpChallenge, StorageError> {
    Ok(OtpChallenge {
        id: parse("challenge id", &id)?,
        tenant_id: parse("tenant id", &tenant)?,
        channel: parse("channel", &channel)?,
        recipient,
        code_hash,
        attempts,
        created_at: utc(created),
        expires_at: utc(expires),
        consumed_at: opt_utc(consumed),
    })
}
