//! The customer portal's storage: storefront host names and portal settings, one-time code
//! challenges, customer sessions and their refresh tokens, member fields and numbers, and the
//! outgoing message log.

mod customer_auth;
mod members;
mod messages;
mod otp;
mod sessions;
mod storefront;
