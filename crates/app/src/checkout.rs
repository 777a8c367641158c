//! Storefront checkout: a guest or signed-in customer places an order at catalogue prices, with
//! a shipping method, a promotion code (one of the merchant's coupons) and a payment method, in
//! one transaction with its FIFO stock allocation and coupon claim. The order is the same order
//! the merchant API shows (channel `online`). Also the storefront's reads of its orders, their
//! payment status (which settles a payment the customer finished at the gateway), promotion
//! checks and payment intents.
//!
//! Field names in errors are the storefront's (`lineItems[0].quantity`, `promotionCode`).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use kedai_catalog::Product;
use kedai_catalog::ProductType;
use kedai_core::{Currency, Money, Page, ProductId, TenantId};
use kedai_identity::{CustomerId, Email, LoginChannel, MessageId, MessageKind, OutgoingMessage};
use kedai_loyalty::{Coupon, CouponCode, PromotionError, PromotionQuote, check_promotion};
use kedai_orders::shop::{portal_payment_status, shop_charges};
use kedai_orders::{
    Channel, Charges, Claimed, LineInput, NewOrder, Order, OrderCoupon, OrderDetails, OrderId,
    OrderItem, OrderStatus, OrderType, ShippingMethod, ShippingMethodId, ShopOrderInfo,
    ShopPaymentMethod, ShopPaymentMethodId, price_order,
};

use crate::coupons::AppliedCoupon;
use crate::identity::tenant;
use crate::payments::{IntentFilter, IntentStatus, OpenedIntent, PaymentGateway};
use crate::{Amount, AppError, Author, FieldError, UnitOfWork};

/// Most units of one line.
pub const MAX_LINE_QUANTITY: i64 = 10_000;

/// Who places or reads a storefront order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shopper {
    /// The shop.
    pub tenant: TenantId,
    /// The signed-in customer, `None` for a guest.
    pub customer: Option<CustomerId>,
}

/// One requested line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutLine {
    /// The product.
    pub product_id: ProductId,
    /// The variation of it to sell, if one was chosen.
    pub variation_id: Option<ProductId>,
    /// Units.
    pub quantity: i64,
}

/// The customer's details as given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckoutContact {
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Locale (`zh-HK`).
    pub language: Option<String>,
}

/// The shipping address as given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShippingAddress {
    /// First line.
    pub address_line1: Option<String>,
    /// Second line.
    pub address_line2: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State or region.
    pub state: Option<String>,
    /// Postal code.
    pub zip_code: Option<String>,
    /// Country.
    pub country: Option<String>,
}

/// A storefront order as requested.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckoutCommand {
    /// Lines.
    pub lines: Vec<CheckoutLine>,
    /// Customer details (optional for a signed-in customer: their record fills them).
    pub contact: Option<CheckoutContact>,
    /// Shipping address.
    pub address: Option<ShippingAddress>,
    /// Shipping method (required when the shop offers any).
    pub shipping_method_id: Option<ShippingMethodId>,
    /// A promotion code.
    pub promotion_code: Option<String>,
    /// Store credits to spend.
    pub credits_used: Option<Amount>,
    /// Payment method, as given.
    pub payment_method_id: Option<String>,
    /// Where to send the customer after paying.
    pub success_url: Option<String>,
    /// Where to send the customer after abandoning payment.
    pub cancel_url: Option<String>,
    /// How many upsell offers the client accepted.
    pub accepted_offers: usize,
}

/// A storefront order with its lines.
#[derive(Debug, Clone)]
pub struct ShopOrderView {
    /// The order.
    pub order: Order,
    /// Its lines.
    pub items: Vec<OrderItem>,
    /// Where its latest payment at the gateway stands, when it was read (single orders).
    pub latest_payment: Option<IntentStatus>,
}

impl ShopOrderView {
    /// Whether a payment at the gateway awaits the customer: the gateway may have decided it
    /// since, and [`shop_payment_status`] would record that.
    #[must_use]
    pub fn awaits_gateway(&self) -> bool {
        self.latest_payment == Some(IntentStatus::RequiresAction)
    }

    /// `pending`, `completed`, `failed`, `refunded` or `voided`.
    #[must_use]
    pub fn payment_status(&self) -> &'static str {
        portal_payment_status(
            self.order.status,
            self.order.payment_status,
            self.latest_payment == Some(IntentStatus::Failed),
        )
    }
}

/// A placed storefront order and how to pay it.
#[derive(Debug, Clone)]
pub struct PlacedOrder {
    /// The order.
    pub view: ShopOrderView,
    /// The gateway's checkout page, for a payment method with a gateway.
    pub payment_url: Option<String>,
    /// What to do to pay, for a manual payment method.
    pub payment_instructions: Option<String>,
    /// The order confirmation recorded in the message log, to deliver after commit (none
    /// when the order has neither e-mail nor phone).
    pub confirmation: Option<OutgoingMessage>,
    /// For a guest, the secret that lets them pay this order again (shown once; only its hash
    /// is kept).
    pub guest_secret: Option<String>,
}

fn field_error(
    code: &'static str,
    field: impl Into<String>,
    message: impl Into<String>,
) -> AppError {
    AppError::Validation {
        code,
        errors: vec![FieldError {
            field: field.into(),
            message: message.into(),
        }],
    }
}

fn clean(v: Option<&String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// Collects field failures so one answer names every bad field.
#[derive(Default)]
struct Problems(Vec<FieldError>);

impl Problems {
    fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    /// A text of at most `max` characters, required or not.
    fn text(
        &mut self,
        field: &str,
        v: Option<&String>,
        max: usize,
        required: bool,
    ) -> Option<String> {
        let v = clean(v);
        match &v {
            None if required => self.add(field, "is required"),
            Some(t) if t.chars().count() > max => {
                self.add(field, format!("must be at most {max} characters"));
            }
            _ => {}
        }
        v
    }

    fn finish(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation {
                code: "VALIDATION_ERROR",
                errors: self.0,
            })
        }
    }
}

/// A return URL: absolute http(s), at most 2000 characters.
fn url(problems: &mut Problems, field: &str, v: Option<&String>) -> Option<String> {
    let v = problems.text(field, v, 2000, false)?;
    let lower = v.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://"))
        || v.contains(char::is_whitespace)
    {
        problems.add(field, "must be an absolute http or https URL");
    }
    Some(v)
}

/// The product a line sells: `variation_id` when given (it must be a variation of
/// `product_id`, or `product_id` itself), else `product_id`. The product sold must be a live
/// product of the tenant, on sale, sold online (not limited to some outlets) and not a
/// `variable` product (those are sold through their variations); a variation also needs its
/// parent on sale. Returns the product sold and, for a variation, its parent.
fn product_to_sell(
    products: &[Product],
    line: &CheckoutLine,
    index: usize,
) -> Result<(ProductId, Option<ProductId>), AppError> {
    let field = format!("lineItems[{index}].productId");
    let find = |id: ProductId| products.iter().find(|p| p.id == id);
    let product = find(line.product_id).ok_or_else(|| {
        field_error(
            "PRODUCT_NOT_FOUND",
            &field,
            format!("no product {}", line.product_id),
        )
    })?;
    let sold = match line.variation_id {
        Some(v) if v != product.id => find(v)
            .filter(|variation| variation.storefront.parent_id == Some(product.id))
            .ok_or_else(|| {
                field_error(
                    "VARIATION_NOT_FOUND",
                    format!("lineItems[{index}].variationId"),
                    format!("product {} has no variation {v}", product.id),
                )
            })?,
        _ => product,
    };
    let unavailable = |why: String| field_error("PRODUCT_NOT_AVAILABLE", &field, why);
    if sold.storefront.product_type == ProductType::Variable {
        return Err(field_error(
            "VARIATION_REQUIRED",
            format!("lineItems[{index}].variationId"),
            format!(
                "product {} is sold through its variations: name one",
                sold.id
            ),
        ));
    }
    if !sold.is_on_sale() || !sold.outlet_ids.is_empty() {
        return Err(unavailable(format!(
            "product {} is not on sale online",
            sold.id
        )));
    }
    let parent = sold.storefront.parent_id;
    if let Some(parent_id) = parent {
        let live = find(parent_id).is_some_and(|p| p.is_on_sale() && p.outlet_ids.is_empty());
        if !live {
            return Err(unavailable(format!(
                "product {parent_id} is not on sale online"
            )));
        }
    }
    Ok((sold.id, parent))
}

fn promotion_failure(e: &PromotionError) -> AppError {
    field_error(e.code(), "promotionCode", e.to_string())
}

/// The merchant's coupon for a promotion code, if the text can be a code and one has it.
fn find_promotion(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    code: &str,
) -> Result<Option<Coupon>, AppError> {
    match CouponCode::parse(code) {
        Ok(code) => Ok(tx.find_coupon_by_code(tenant, &code)?),
        Err(_) => Ok(None),
    }
}

fn address_text(a: &ShippingAddress) -> String {
    let region = [a.state.as_deref(), a.zip_code.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    [
        a.address_line1.as_deref(),
        a.address_line2.as_deref(),
        a.city.as_deref(),
        Some(region.as_str()).filter(|r| !r.is_empty()),
        a.country.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ")
}

/// Checked contact and address details of a checkout.
struct Checked {
    details: OrderDetails,
    language: Option<String>,
    success_url: Option<String>,
    cancel_url: Option<String>,
}

fn check_details(
    tx: &mut dyn UnitOfWork,
    shopper: Shopper,
    cmd: &CheckoutCommand,
) -> Result<Checked, AppError> {
    let mut p = Problems::default();
    if cmd.lines.is_empty() {
        p.add("lineItems", "must have at least one item");
    }
    for (i, line) in cmd.lines.iter().enumerate() {
        if !(1..=MAX_LINE_QUANTITY).contains(&line.quantity) {
            p.add(
                format!("lineItems[{i}].quantity"),
                format!("must be a whole number from 1 to {MAX_LINE_QUANTITY}"),
            );
        }
    }
    let customer = match shopper.customer {
        Some(id) => tx.order_customers(shopper.tenant, &[id.to_string()])?.pop(),
        None => None,
    };
    let given = cmd.contact.clone().unwrap_or_default();
    // A signed-in customer may leave out what their record says.
    let required = customer.is_none();
    if cmd.contact.is_none() && required {
        p.add("customerInfo", "is required");
    }
    let first = p.text(
        "customerInfo.firstName",
        given.first_name.as_ref(),
        100,
        required && cmd.contact.is_some(),
    );
    let last = p.text(
        "customerInfo.lastName",
        given.last_name.as_ref(),
        100,
        required && cmd.contact.is_some(),
    );
    let email = p.text("customerInfo.email", given.email.as_ref(), 254, false);
    let email = email.and_then(|e| match Email::parse(&e) {
        Ok(e) => Some(e.as_str().to_owned()),
        Err(_) => {
            p.add("customerInfo.email", "must be a valid e-mail address");
            None
        }
    });
    let phone = p.text("customerInfo.phone", given.phone.as_ref(), 32, false);
    let language = p.text("customerInfo.language", given.language.as_ref(), 35, false);
    let address = match &cmd.address {
        None => {
            p.add("shippingAddress", "is required");
            ShippingAddress::default()
        }
        Some(a) => ShippingAddress {
            address_line1: p.text(
                "shippingAddress.addressLine1",
                a.address_line1.as_ref(),
                200,
                true,
            ),
            address_line2: p.text(
                "shippingAddress.addressLine2",
                a.address_line2.as_ref(),
                200,
                false,
            ),
            city: p.text("shippingAddress.city", a.city.as_ref(), 100, true),
            state: p.text("shippingAddress.state", a.state.as_ref(), 100, false),
            zip_code: p.text("shippingAddress.zipCode", a.zip_code.as_ref(), 20, false),
            country: p.text("shippingAddress.country", a.country.as_ref(), 100, false),
        },
    };
    let success_url = url(&mut p, "successUrl", cmd.success_url.as_ref());
    let cancel_url = url(&mut p, "cancelUrl", cmd.cancel_url.as_ref());
    p.finish()?;
    if cmd.accepted_offers > 0 {
        return Err(field_error(
            "OFFER_NOT_AVAILABLE",
            "acceptedOffers",
            "the shop has no offers to accept",
        ));
    }
    let name = match (first, last) {
        (None, None) => customer.as_ref().map(|c| c.name.clone()),
        (f, l) => Some([f, l].into_iter().flatten().collect::<Vec<_>>().join(" ")),
    };
    let email = email.or_else(|| customer.as_ref().and_then(|c| c.email.clone()));
    let phone = phone.or_else(|| customer.as_ref().and_then(|c| c.phone.clone()));
    Ok(Checked {
        details: OrderDetails {
            customer_id: customer.as_ref().map(|c| c.id.clone()),
            customer_email: email.clone(),
            outlet_id: None,
            contact_name: name,
            contact_phone: phone,
            contact_email: email,
            shipping_method: None,
            shipping_address: Some(address_text(&address)).filter(|a| !a.is_empty()),
            payment_method: None,
            notes: None,
            special_instructions: None,
        },
        language,
        success_url,
        cancel_url,
    })
}

fn choose_shipping(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    id: Option<ShippingMethodId>,
) -> Result<Option<ShippingMethod>, AppError> {
    let Some(id) = id else {
        if tx.list_shipping_methods(tenant, true)?.is_empty() {
            return Ok(None);
        }
        return Err(field_error(
            "SHIPPING_METHOD_REQUIRED",
            "shippingMethodId",
            "choose one of the shop's shipping methods",
        ));
    };
    match tx.find_shipping_method(tenant, id)? {
        Some(m) if m.active => Ok(Some(m)),
        _ => Err(field_error(
            "SHIPPING_METHOD_NOT_FOUND",
            "shippingMethodId",
            format!("no shipping method {id} is offered"),
        )),
    }
}

fn choose_payment(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    id: Option<&String>,
) -> Result<Option<ShopPaymentMethod>, AppError> {
    let Some(raw) = clean(id) else {
        return Ok(None);
    };
    let unknown = || {
        field_error(
            "PAYMENT_METHOD_NOT_FOUND",
            "paymentMethodId",
            format!("no payment method {raw} is offered"),
        )
    };
    let id: ShopPaymentMethodId = raw.parse().map_err(|_| unknown())?;
    match tx.find_payment_method(tenant, id)? {
        Some(m) if m.active => Ok(Some(m)),
        _ => Err(unknown()),
    }
}

/// Places a storefront order, all or nothing in one transaction: checks the request, prices
/// each line from the catalogue, applies the promotion code to the subtotal and shipping from
/// the chosen method (free at or above its threshold), allocates stock FIFO, numbers and
/// stores the order (`pending`, channel `online`, the signed-in customer's id), claims the
/// coupon use with one guarded update, and, for a payment method with a gateway and a total
/// above zero, opens the payment at the gateway.
///
/// # Errors
/// [`AppError::Validation`]: `VALIDATION_ERROR` naming each bad field; `PRODUCT_NOT_FOUND`,
/// `VARIATION_NOT_FOUND`, `PRODUCT_NOT_AVAILABLE`; `SHIPPING_METHOD_REQUIRED`,
/// `SHIPPING_METHOD_NOT_FOUND`, `PAYMENT_METHOD_NOT_FOUND`; a `PROMOTION_*` code;
/// `INSUFFICIENT_CREDITS`, `OFFER_NOT_AVAILABLE`. [`AppError::InsufficientStock`].
/// [`AppError::Storage`].
#[tracing::instrument(skip_all, fields(tenant.id = %shopper.tenant, order.items = cmd.lines.len()))]
pub fn place_shop_order(
    tx: &mut dyn UnitOfWork,
    shopper: Shopper,
    gateway: &dyn PaymentGateway,
    cmd: &CheckoutCommand,
    now: DateTime<Utc>,
) -> Result<PlacedOrder, AppError> {
    let tenant = tenant(tx, shopper.tenant)?;
    let checked = check_details(tx, shopper, cmd)?;
    if let Some(credits) = &cmd.credits_used {
        // Customers have no store credit yet: spending any is more than the balance.
        let wanted = credits.to_money(tenant.currency, "creditsUsed")?;
        if wanted.is_negative() {
            return Err(AppError::invalid("creditsUsed", "must not be negative"));
        }
        if wanted.is_positive() {
            return Err(field_error(
                "INSUFFICIENT_CREDITS",
                "creditsUsed",
                "the credit balance is 0",
            ));
        }
    }
    let mut ids: Vec<ProductId> = cmd.lines.iter().map(|l| l.product_id).collect();
    ids.extend(cmd.lines.iter().filter_map(|l| l.variation_id));
    ids.sort_unstable();
    ids.dedup();
    let mut products = tx.find_products(tenant.id, &ids)?;
    // The parents of variations named alone (004's `variantId`).
    let mut parents: Vec<ProductId> = products
        .iter()
        .filter_map(|p| p.storefront.parent_id)
        .filter(|id| !ids.contains(id))
        .collect();
    parents.sort_unstable();
    parents.dedup();
    if !parents.is_empty() {
        products.extend(tx.find_products(tenant.id, &parents)?);
    }
    let mut sold = Vec::with_capacity(cmd.lines.len());
    for (i, line) in cmd.lines.iter().enumerate() {
        sold.push(product_to_sell(&products, line, i)?);
    }
    let shipping = choose_shipping(tx, tenant.id, cmd.shipping_method_id)?;
    let payment = choose_payment(tx, tenant.id, cmd.payment_method_id.as_ref())?;

    let wanted: Vec<(ProductId, i64)> = sold
        .iter()
        .zip(&cmd.lines)
        .map(|((id, _), line)| (*id, line.quantity))
        .collect();
    let mut lines = crate::orders::on_sale_products(tx, tenant.id, &wanted)?;
    lines.parents = sold.iter().map(|(_, parent)| *parent).collect();
    let inputs: Vec<LineInput> = sold
        .iter()
        .zip(&cmd.lines)
        .map(|((id, _), line)| {
            let member = shopper.customer.is_some();
            let price = lines
                .products
                .iter()
                .find(|p| p.id == *id)
                .map_or(Money::zero(tenant.currency), |p| {
                    p.storefront.prices(p.price).charged(member)
                });
            LineInput {
                quantity: line.quantity,
                unit_price: price,
                claimed_total: None,
            }
        })
        .collect();
    let subtotal =
        price_order(&inputs, Charges::none(tenant.currency), Claimed::default())?.subtotal;
    let applied = match clean(cmd.promotion_code.as_ref()) {
        None => None,
        Some(code) => {
            let coupon = find_promotion(tx, tenant.id, &code)?;
            let quote = check_promotion(coupon.as_ref(), now, subtotal)
                .map_err(|e| promotion_failure(&e))?;
            coupon.map(|c| AppliedCoupon {
                coupon_id: c.id,
                code: c.code.to_string(),
                discount: quote.discount,
            })
        }
    };
    let discount = applied
        .as_ref()
        .map_or(Money::zero(tenant.currency), |a| a.discount);
    let priced = price_order(
        &inputs,
        shop_charges(subtotal, shipping.as_ref(), discount),
        Claimed::default(),
    )?;
    let mut details = checked.details;
    details.shipping_method = shipping.as_ref().map(|m| m.name.clone());
    details.payment_method = payment.as_ref().map(|m| m.name.clone());
    let new = NewOrder {
        order_type: OrderType::Delivery,
        status: OrderStatus::Pending,
        details,
    };
    let coupon = applied.as_ref().map(|a| OrderCoupon {
        coupon_id: Some(a.coupon_id.to_string()),
        code: a.code.clone(),
        discount: a.discount,
    });
    let author = Author::storefront(tenant.id);
    let view =
        crate::orders::insert_new_order(tx, author, &tenant, &new, &lines, &priced, coupon, now)?;
    let order = view.order;
    if let Some(applied) = &applied {
        let customer = order.details.customer_id.clone();
        if let Err(e) = crate::coupons::redeem(
            tx,
            tenant.id,
            applied,
            &order.id.to_string(),
            customer.as_deref(),
            now,
        ) {
            // Its last use went (or it was disabled) since it was quoted: say why, as a
            // promotion check would.
            let coupon = find_promotion(tx, tenant.id, &applied.code)?;
            return Err(match check_promotion(coupon.as_ref(), now, subtotal) {
                Err(why) => promotion_failure(&why),
                Ok(_) => e,
            });
        }
    }
    let guest_secret = match shopper.customer {
        None => Some(crate::session::new_refresh_token()?),
        Some(_) => None,
    };
    tx.set_shop_info(
        tenant.id,
        order.id,
        &ShopOrderInfo {
            channel: Channel::Online,
            shipping_method_id: shipping.as_ref().map(|m| m.id),
            payment_method_id: payment.as_ref().map(|m| m.id),
            success_url: checked.success_url,
            cancel_url: checked.cancel_url,
            language: checked.language.clone(),
            guest_secret_hash: guest_secret
                .as_ref()
                .map(kedai_identity::RefreshToken::hash),
        },
    )?;
    let mut payment_url = None;
    let mut payment_instructions = None;
    match &payment {
        Some(m) if m.has_gateway() && order.total_amount.is_positive() => {
            let opened =
                crate::payments::open_for_order(tx, author, gateway, &order, &m.name, now)?;
            payment_url = Some(opened.payment_url);
        }
        Some(m) if !m.has_gateway() => payment_instructions.clone_from(&m.instructions),
        _ => {}
    }
    let brand = crate::storefront::settings(tx, tenant.id, now)?;
    let confirmation = confirmation_message(
        &order,
        brand.brand_name.as_deref().unwrap_or(&tenant.name),
        brand.login_channel,
        checked.language.as_deref(),
        payment_instructions.as_deref(),
        now,
    );
    if let Some(message) = &confirmation {
        tx.record_message(message)?;
    }
    Ok(PlacedOrder {
        view: ShopOrderView {
            order,
            items: view.items,
            latest_payment: payment_url.as_ref().map(|_| IntentStatus::RequiresAction),
        },
        payment_url,
        payment_instructions,
        confirmation,
        guest_secret: guest_secret.map(|s| s.expose().to_owned()),
    })
}

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

/// A storefront order the shopper may see: an online order of the shop. Anyone holding its
/// id may read it (the id is unguessable, and the guest success page has nothing else); only
/// its own customer sees its contact details and address. Anyone else — no token, or another
/// customer's — gets the same answer without them, so a token never reveals more than its
/// absence.
///
/// # Errors
/// [`AppError::NotFound`] (unknown, another shop's, or not a storefront order),
/// [`AppError::Storage`].
fn visible_order(
    tx: &mut dyn UnitOfWork,
    shopper: Shopper,
    raw_id: &str,
) -> Result<Order, AppError> {
    let (mut order, _) = online_order(tx, shopper.tenant, raw_id)?;
    let mine = shopper
        .customer
        .is_some_and(|me| order.details.customer_id.as_deref() == Some(&me.to_string()));
    if !mine {
        let d = &mut order.details;
        for field in [
            &mut d.customer_email,
            &mut d.contact_name,
            &mut d.contact_phone,
            &mut d.contact_email,
            &mut d.shipping_address,
            &mut d.notes,
            &mut d.special_instructions,
        ] {
            *field = None;
        }
    }
    Ok(order)
}

/// An online order of the shop, with its storefront facts.
fn online_order(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    raw_id: &str,
) -> Result<(Order, ShopOrderInfo), AppError> {
    let not_found = || AppError::not_found("order", raw_id);
    let id: OrderId = raw_id.parse().map_err(|_| not_found())?;
    let order = tx.find_order(tenant, id)?.ok_or_else(not_found)?;
    let info = tx
        .shop_info(tenant, id)?
        .filter(|i| i.channel == Channel::Online)
        .ok_or_else(not_found)?;
    Ok((order, info))
}

/// A storefront order the shopper may pay: a member's order by that member's token, a guest's
/// order with the secret the guest was given at checkout. Reading an order takes only its id;
/// paying it must not, or anyone who saw the id could replace the customer's checkout.
///
/// # Errors
/// [`AppError::NotFound`] as [`visible_order`]; [`AppError::NotAllowed`] `FORBIDDEN` for
/// anyone else; [`AppError::Storage`].
fn payable_order(
    tx: &mut dyn UnitOfWork,
    shopper: Shopper,
    raw_id: &str,
    guest_secret: Option<&str>,
) -> Result<(Order, ShopOrderInfo), AppError> {
    let (order, info) = online_order(tx, shopper.tenant, raw_id)?;
    let allowed = match order.details.customer_id.as_deref() {
        Some(owner) => shopper.customer.is_some_and(|me| me.to_string() == owner),
        None => match (guest_secret, info.guest_secret_hash.as_deref()) {
            (Some(given), Some(kept)) => kedai_identity::customer_auth::hashes_match(
                &kedai_identity::session::hash_refresh_token(given.trim()),
                kept,
            ),
            _ => false,
        },
    };
    if !allowed {
        return Err(AppError::NotAllowed {
            code: "FORBIDDEN",
            message: "only the customer who placed this order may pay it: sign in as them, or \
                      send the orderToken the guest checkout answered"
                .into(),
        });
    }
    Ok((order, info))
}

/// One storefront order with its lines, as [`visible_order`] shows it.
///
/// # Errors
/// As [`visible_order`]: [`AppError::NotFound`], [`AppError::Storage`].
pub fn shop_order(
    tx: &mut dyn UnitOfWork,
    shopper: Shopper,
    id: &str,
) -> Result<ShopOrderView, AppError> {
    let order = visible_order(tx, shopper, id)?;
    let items = tx.order_items(&order)?;
    let latest_payment = latest_intent(tx, shopper.tenant, order.id)?.map(|i| i.status);
    Ok(ShopOrderView {
        order,
        items,
        latest_payment,
    })
}

/// A page of the signed-in customer's storefront orders, newest first, and how many there are.
///
/// # Errors
/// [`AppError::Storage`].
pub fn my_shop_orders(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    customer: CustomerId,
    page: Page,
) -> Result<(Vec<ShopOrderView>, i64), AppError> {
    let (orders, total) = tx.customer_shop_orders(tenant, &customer.to_string(), page)?;
    let mut items = tx.items_of_orders(&orders)?;
    let mut by_order: BTreeMap<OrderId, Vec<OrderItem>> = BTreeMap::new();
    for item in items.drain(..) {
        by_order.entry(item.order_id).or_default().push(item);
    }
    let views = orders
        .into_iter()
        .map(|order| ShopOrderView {
            items: by_order.remove(&order.id).unwrap_or_default(),
            order,
            latest_payment: None,
        })
        .collect();
    Ok((views, total))
}

/// Where a storefront order's payment stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopPaymentStatus {
    /// The order.
    pub order: Order,
    /// `pending`, `completed`, `failed`, `refunded` or `voided`.
    pub payment_status: &'static str,
}

/// The payment status of a storefront order. When its latest payment at the gateway awaits
/// the customer, the gateway is asked first: a payment the customer approved is recorded now
/// (the order becomes paid), a declined one is marked failed. Run it in a write transaction.
///
/// # Errors
/// As [`shop_order`], and [`AppError::Conflict`] when the approved payment no longer fits the
/// order; [`AppError::Storage`].
pub fn shop_payment_status(
    tx: &mut dyn UnitOfWork,
    shopper: Shopper,
    gateway: &dyn PaymentGateway,
    id: &str,
    now: DateTime<Utc>,
) -> Result<ShopPaymentStatus, AppError> {
    let mut order = visible_order(tx, shopper, id)?;
    let latest = |tx: &mut dyn UnitOfWork, order: OrderId| latest_intent(tx, shopper.tenant, order);
    let mut intent = latest(tx, order.id)?;
    if let Some(open) = intent
        .clone()
        .filter(|i| i.status == IntentStatus::RequiresAction)
        && crate::payments::settle(
            tx,
            Author::storefront(shopper.tenant),
            gateway,
            open,
            None,
            now,
        )?
        .is_some()
    {
        order = tx
            .find_order(shopper.tenant, order.id)?
            .ok_or_else(|| AppError::not_found("order", id))?;
        intent = latest(tx, order.id)?;
    }
    let declined = intent.is_some_and(|i| i.status == IntentStatus::Failed);
    Ok(ShopPaymentStatus {
        payment_status: portal_payment_status(order.status, order.payment_status, declined),
        order,
    })
}

/// The newest payment intent of an order.
fn latest_intent(
    tx: &mut dyn UnitOfWork,
    tenant: TenantId,
    order: OrderId,
) -> Result<Option<crate::payments::PaymentIntent>, AppError> {
    let filter = IntentFilter {
        order_id: Some(order),
        ..IntentFilter::default()
    };
    let first =
        Page::new(Some(1), Some(1)).map_err(|e| AppError::invalid("page", e.to_string()))?;
    Ok(tx
        .list_intents(tenant, &filter, first)?
        .0
        .into_iter()
        .next()
        .map(|r| r.intent))
}

/// The outcome of checking a promotion code.
#[derive(Debug, Clone)]
pub struct PromotionCheck {
    /// The code as normalised (upper case), or as given when it cannot be a code.
    pub code: String,
    /// The coupon and its effect, or why it does not apply.
    pub outcome: Result<(Coupon, PromotionQuote), PromotionError>,
}

/// Checks a promotion code against an amount (major units, the shop's currency) as an online
/// purchase, without using it.
///
/// # Errors
/// [`AppError::Validation`] for an amount that is not a decimal or is negative;
/// [`AppError::Storage`]. An unknown, expired or used-up code is an outcome, not an error.
pub fn check_promotion_code(
    tx: &mut dyn UnitOfWork,
    tenant_id: TenantId,
    code: &str,
    amount: &Amount,
    now: DateTime<Utc>,
) -> Result<PromotionCheck, AppError> {
    let currency = tenant(tx, tenant_id)?.currency;
    let amount = amount.to_money(currency, "amount")?;
    if amount.is_negative() {
        return Err(AppError::invalid("amount", "must not be negative"));
    }
    let coupon = find_promotion(tx, tenant_id, code)?;
    let normalised =
        CouponCode::parse(code).map_or_else(|_| code.trim().to_owned(), |c| c.to_string());
    let outcome = match check_promotion(coupon.as_ref(), now, amount) {
        Ok(quote) => coupon.map(|c| (c, quote)).ok_or(PromotionError::NotFound),
        Err(e) => Err(e),
    };
    Ok(PromotionCheck {
        code: normalised,
        outcome,
    })
}

/// A payment intent as the storefront requests it.
#[derive(Debug, Clone)]
pub struct PortalIntent {
    /// Amount in major units; must be the order's total.
    pub amount: Amount,
    /// Currency; must be the shop's.
    pub currency: String,
    /// The storefront order to pay.
    pub order_id: Option<String>,
    /// A booking to pay (not sold by this shop yet).
    pub booking_id: Option<String>,
    /// A membership tier to buy (not sold by this shop yet).
    pub tier_id: Option<String>,
    /// For a guest's order, the secret its checkout answered (`orderToken`).
    pub order_token: Option<String>,
}

/// Opens a payment at the gateway for a storefront order awaiting payment, for exactly its
/// total, superseding any payment of it still awaiting the customer (see
/// [`crate::payments::open_for_order`]). Only its customer may: see [`payable_order`].
///
/// # Errors
/// [`AppError::Validation`] for a bad amount or currency, a missing `orderId`, or
/// `PAYMENT_TARGET_NOT_SUPPORTED` for a booking or tier; [`AppError::AmountMismatch`] when the
/// amount is not the total; as [`payable_order`] for the order; [`AppError::Conflict`]
/// `PAYMENT_NOT_ALLOWED` when it does not await payment, `PAYMENT_ALREADY_APPROVED` when an
/// earlier checkout was approved; [`AppError::Storage`].
pub fn open_shop_intent(
    tx: &mut dyn UnitOfWork,
    shopper: Shopper,
    gateway: &dyn PaymentGateway,
    cmd: &PortalIntent,
    now: DateTime<Utc>,
) -> Result<OpenedIntent, AppError> {
    let tenant = tenant(tx, shopper.tenant)?;
    for (field, given) in [("bookingId", &cmd.booking_id), ("tierId", &cmd.tier_id)] {
        if clean(given.as_ref()).is_some() {
            return Err(field_error(
                "PAYMENT_TARGET_NOT_SUPPORTED",
                field,
                "only shop orders can be paid here",
            ));
        }
    }
    let mut p = Problems::default();
    let amount = match cmd.amount.to_money(tenant.currency, "amount") {
        Ok(a) if a.is_positive() => Some(a),
        Ok(_) => {
            p.add("amount", "must be greater than 0");
            None
        }
        Err(_) => {
            p.add(
                "amount",
                format!("must be an amount in {}", tenant.currency),
            );
            None
        }
    };
    if !Currency::from_code(cmd.currency.trim()).is_ok_and(|c| c == tenant.currency) {
        p.add(
            "currency",
            format!("must be {}, the shop's currency", tenant.currency),
        );
    }
    let order_id = clean(cmd.order_id.as_ref());
    if order_id.is_none() {
        p.add("orderId", "is required");
    }
    p.finish()?;
    let (Some(amount), Some(order_id)) = (amount, order_id) else {
        return Err(AppError::invalid("orderId", "is required"));
    };
    let (order, info) = payable_order(tx, shopper, &order_id, cmd.order_token.as_deref())?;
    if !matches!(order.status, OrderStatus::Pending | OrderStatus::Confirmed) {
        return Err(AppError::conflict(
            "PAYMENT_NOT_ALLOWED",
            format!("an order in status {} does not await payment", order.status),
        ));
    }
    if amount != order.total_amount {
        return Err(AppError::AmountMismatch(vec![kedai_orders::Mismatch {
            field: "amount".into(),
            claimed: amount,
            expected: order.total_amount,
        }]));
    }
    let method = match info.payment_method_id {
        Some(id) => tx
            .find_payment_method(shopper.tenant, id)?
            .filter(ShopPaymentMethod::has_gateway)
            .map_or_else(|| "online".to_owned(), |m| m.name),
        None => "online".to_owned(),
    };
    crate::payments::open_for_order(
        tx,
        Author::storefront(shopper.tenant),
        gateway,
        &order,
        &method,
        now,
    )
}

/// What the storefront needs to know of the payment gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayInfo {
    /// The gateway's name (`mock`).
    pub gateway: String,
    /// A key the browser may hold (not a secret).
    pub publishable_key: String,
}

/// The gateway the shop's payments go through, and its publishable key for the shop.
#[must_use]
pub fn gateway_info(gateway: &dyn PaymentGateway, tenant: TenantId) -> GatewayInfo {
    GatewayInfo {
        gateway: gateway.name().to_owned(),
        publishable_key: format!("pk_{}_{}", gateway.name(), tenant.as_uuid().simple()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kedai_core::Currency;
    use kedai_orders::{OrderNumber, StatusStamps};

    fn order(email: Option<&str>, phone: Option<&str>) -> Order {
        let myr = Currency::from_code("MYR").unwrap_or_else(|e| panic!("{e}"));
        let at = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        Order {
            id: OrderId::new(),
            tenant_id: TenantId::new(),
            order_number: OrderNumber::new(2027, 7),
            order_type: OrderType::Delivery,
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
