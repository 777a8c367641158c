//! Kedai's adapters to the outside world, implementing the ports of [`kedai_app::jobs`]: the
//! webhook sender ([`webhook`]), e-mail over SMTP ([`smtp`]), SMS and WhatsApp through a
//! provider with Twilio's Messages API ([`sms`]), and the notifier that picks one per channel
//! ([`channels`]); and Stripe's API for merchants' payments ([`stripe`]). All are blocking: the outbox worker calls them off the async threads, with
//! no database transaction open.

pub mod channels;
pub mod sms;
pub mod smtp;
pub mod stripe;
pub mod webhook;

pub use channels::ChannelNotifier;
pub use sms::{SmsNotifier, SmsSettings};
pub use smtp::{SmtpNotifier, SmtpSettings};
pub use stripe::StripeHttp;
pub use webhook::HttpWebhookSender;
