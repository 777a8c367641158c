//! The order confirmation a customer is sent.

use chrono::{DateTime, Utc};
use kedai_identity::{LoginChannel, MessageId, MessageKind, OutgoingMessage};
use kedai_orders::Order;

/// The order confirmation for a placed order: by e-mail when it has one, else to its phone by
/// the shop's phone channel (SMS unless the shop signs in by WhatsApp); in Chinese for a `zh`
/// locale, else in English. `None` when there is nowhere to send it.
#[must_use]
pub fn confirmation_message(
    order: &Order,
    brand: &str,
    shop_channel: LoginChannel,
    language: Option<&str>,
    payment_instructions: Option<&str>,
    now: DateTime<Utc>,
) -> Option<OutgoingMessage> {
    let d = &order.details;
    let (channel, recipient) = match (&d.contact_email, &d.contact_phone) {
        (Some(email), _) => (LoginChannel::Email, email.clone()),
        (None, Some(phone)) if shop_channel == LoginChannel::Whatsapp => {
            (LoginChannel::Whatsapp, phone.clone())
        }
        (None, Some(phone)) => (LoginChannel::Sms, phone.clone()),
        (None, None) => return None,
    };
    let number = order.order_number.as_str();
    let total = format!("{} {}", order.currency.code(), order.total_amount);
    let chinese = language.is_some_and(|l| l.to_ascii_lowercase().starts_with("zh"));
    let (subject, mut body) = if chinese {
        (
            format!("{brand} 訂單 {number} 確認"),
            format!("感謝您在 {brand} 購物！您的訂單 {number} 已收到，總額 {total}。"),
        )
    } else {
        (
            format!("Your {brand} order {number}"),
            format!(
                "Thank you for shopping at {brand}! We have received your order {number}, total {total}."
            ),
        )
    };
    if let Some(how) = payment_instructions {
        body.push(' ');
        body.push_str(how);
    }
    Some(OutgoingMessage {
        id: MessageId::new(),
        tenant_id: order.tenant_id,
        kind: MessageKind::OrderConfirmation,
        channel,
        recipient,
        subject: (channel == LoginChannel::Email).then_some(subject),
        body,
        reference: Some(order.id.to_string()),
        created_at: now,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use kedai_core::Currency;
    use kedai_core::{Money, TenantId};
    use kedai_orders::{OrderDetails, OrderId, OrderStatus, OrderType};
    use kedai_orders::{OrderNumber, StatusStamps};

    fn order(email: Option<&str>, phone: Option<&str>) -> Order {
        let myr = Currency::from_code("MYR").unwrap_or_else(|e| panic!("{e}"));
        let at = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        Order {
            id: OrderId::new(),
            tenant_id: TenantId::new(),
            order_number: OrderNumber::new(2027, 7),
            order_type: OrderType::Delivery,
            channel: kedai_orders::Channel::Online,
            status: OrderStatus::Pending,
            currency: myr,
            subtotal: Money::from_minor(12_000, myr),
            shipping_fee: Money::from_minor(3_000, myr),
            tax_amount: Money::zero(myr),
            discount_amount: Money::zero(myr),
            total_amount: Money::from_minor(15_000, myr),
            coupon: None,
            payment_status: None,
            tracking_number: None,
            details: OrderDetails {
                contact_email: email.map(str::to_owned),
                contact_phone: phone.map(str::to_owned),
                ..OrderDetails::default()
            },
            created_by: None,
            created_at: at,
            updated_at: at,
            stamps: StatusStamps::default(),
        }
    }

    #[test]
    fn confirmations_go_by_email_else_phone_in_the_customers_language() {
        let now = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        for (email, phone, shop, language, channel, opening) in [
            (
                Some("a@b.co"),
                Some("+60123456789"),
                LoginChannel::Sms,
                None,
                LoginChannel::Email,
                "Thank you",
            ),
            (
                None,
                Some("+60123456789"),
                LoginChannel::Sms,
                Some("en"),
                LoginChannel::Sms,
                "Thank you",
            ),
            (
                None,
                Some("+60123456789"),
                LoginChannel::Whatsapp,
                Some("zh-HK"),
                LoginChannel::Whatsapp,
                "感謝",
            ),
            (
                None,
                Some("+60123456789"),
                LoginChannel::Email,
                Some("ZH-tw"),
                LoginChannel::Sms,
                "感謝",
            ),
        ] {
            let o = order(email, phone);
            let m =
                confirmation_message(&o, "Kedai Tea", shop, language, Some("Pay to 1-2-3"), now)
                    .unwrap_or_else(|| panic!("a message"));
            assert_eq!(m.channel, channel);
            assert_eq!(m.kind, MessageKind::OrderConfirmation);
            assert_eq!(m.reference, Some(o.id.to_string()));
            assert!(m.body.starts_with(opening), "{}", m.body);
            assert!(m.body.contains(o.order_number.as_str()) && m.body.contains("MYR 150.00"));
            assert!(m.body.ends_with("Pay to 1-2-3"));
            assert_eq!(m.subject.is_some(), channel == LoginChannel::Email);
        }
        assert!(
            confirmation_message(&order(None, None), "x", LoginChannel::Sms, None, None, now)
                .is_none()
        );
    }
}
