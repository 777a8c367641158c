//! The notifier that sends each message on its channel's provider: e-mail over SMTP, SMS and
//! WhatsApp through the SMS provider, and the log for a channel with none configured.

use kedai_app::jobs::{LogNotifier, Notifier, SendError, Sent};
use kedai_identity::{LoginChannel, OutgoingMessage};

use crate::{SmsNotifier, SmtpNotifier};

/// Sends by channel.
#[derive(Debug, Default)]
pub struct ChannelNotifier {
    /// E-mail.
    pub smtp: Option<SmtpNotifier>,
    /// SMS and WhatsApp.
    pub sms: Option<SmsNotifier>,
}

impl Notifier for ChannelNotifier {
    fn deliver(&self, message: &OutgoingMessage) -> Result<Sent, SendError> {
        match (message.channel, &self.smtp, &self.sms) {
            (LoginChannel::Email, Some(smtp), _) => smtp.deliver(message),
            (channel, _, Some(sms)) if sms.sends(channel) => sms.deliver(message),
            _ => LogNotifier.deliver(message),
        }
    }
}
