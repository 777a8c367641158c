//! Shipping methods, shop payment methods, and the shop facts of storefront orders.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kedai_core::{Page, StorageError, TenantId};
use kedai_orders::checkout::ShippingMethodDraft;
use kedai_orders::{
    Channel, CheckoutRepository, Order, OrderId, ShippingMethod, ShippingMethodId, ShopOrderInfo,
    ShopPaymentMethod, ShopPaymentMethodId,
};

use super::Tx;
use super::orders::OrderRow;
use crate::convert::{corrupt, currency, money, parse, storage_error, ts, utc};
use crate::schema::{orders, shipping_methods, shop_payment_methods};

#[derive(Queryable, Selectable)]
#[diesel(table_name = shipping_methods)]
struct ShippingRow {
    id: i64,
    tenant_id: String,
    name: String,
    description: Option<String>,
    cost_minor: i64,
    free_shipping_threshold_minor: Option<i64>,
    currency: String,
    estimated_days: Option<String>,
    active: bool,
    sort_order: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl TryFrom<ShippingRow> for ShippingMethod {
    type Error = StorageError;

    fn try_from(r: ShippingRow) -> Result<Self, StorageError> {
        let c = currency(&r.currency)?;
        Ok(Self {
            id: ShippingMethodId::new(r.id)
                .map_err(|_| corrupt(format!("shipping method id {}", r.id)))?,
            tenant_id: parse("tenant id", &r.tenant_id)?,
            name: r.name,
            description: r.description,
            cost: money(r.cost_minor, c),
            free_shipping_threshold: r.free_shipping_threshold_minor.map(|m| money(m, c)),
            estimated_days: r.estimated_days,
            active: r.active,
            sort_order: r.sort_order,
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
        })
    }
}

#[derive(Insertable)]
#[diesel(table_name = shipping_methods)]
struct NewShippingRow<'a> {
    tenant_id: String,
    name: &'a str,
    description: Option<&'a str>,
    cost_minor: i64,
    free_shipping_threshold_minor: Option<i64>,
    currency: &'a str,
    estimated_days: Option<&'a str>,
    active: bool,
    sort_order: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = shop_payment_methods)]
struct PaymentMethodRow {
    id: String,
    tenant_id: String,
    name: String,
    method_type: String,
    instructions: Option<String>,
    has_gateway: bool,
    position: i32,
    active: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl From<&ShopPaymentMethod> for PaymentMethodRow {
    fn from(m: &ShopPaymentMethod) -> Self {
        Self {
            id: m.id.to_string(),
            tenant_id: m.tenant_id.to_string(),
            name: m.name.clone(),
            method_type: m.kind.as_str().to_owned(),
            instructions: m.instructions.clone(),
            has_gateway: m.has_gateway(),
            position: m.position,
            active: m.active,
            created_at: ts(m.created_at),
            updated_at: ts(m.updated_at),
        }
    }
}

impl TryFrom<PaymentMethodRow> for ShopPaymentMethod {
    type Error = StorageError;

    fn try_from(r: PaymentMethodRow) -> Result<Self, StorageError> {
        Ok(Self {
            id: parse("payment method id", &r.id)?,
            tenant_id: parse("tenant id", &r.tenant_id)?,
            name: r.name,
            kind: parse("payment method type", &r.method_type)?,
            instructions: r.instructions,
            position: r.position,
            active: r.active,
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
        })
    }
}

type ShopInfoRow = (
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

impl CheckoutRepository for Tx<'_> {
    fn insert_shipping_method(
        &mut self,
        tenant: TenantId,
        d: &ShippingMethodDraft,
        now: DateTime<Utc>,
    ) -> Result<ShippingMethodId, StorageError> {
        let id = diesel::insert_into(shipping_methods::table)
            .values(NewShippingRow {
                tenant_id: tenant.to_string(),
                name: &d.name,
                description: d.description.as_deref(),
                cost_minor: d.cost.minor(),
                free_shipping_threshold_minor: d.free_shipping_threshold.map(|t| t.minor()),
                currency: d.cost.currency().code(),
                estimated_days: d.estimated_days.as_deref(),
                active: d.active,
                sort_order: d.sort_order,
                created_at: ts(now),
                updated_at: ts(now),
            })
            .returning(shipping_methods::id)
            .get_result::<i64>(self.conn)
            .map_err(storage_error)?;
        ShippingMethodId::new(id).map_err(|_| corrupt(format!("shipping method id {id}")))
    }

    fn find_shipping_method(
        &mut self,
        tenant: TenantId,
        id: ShippingMethodId,
    ) -> Result<Option<ShippingMethod>, StorageError> {
        shipping_methods::table
            .filter(shipping_methods::tenant_id.eq(tenant.to_string()))
            .filter(shipping_methods::id.eq(id.get()))
            .filter(shipping_methods::deleted_at.is_null())
            .select(ShippingRow::as_select())
            .first::<ShippingRow>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(ShippingMethod::try_from)
            .transpose()
    }

    fn list_shipping_methods(
        &mut self,
        tenant: TenantId,
        active_only: bool,
    ) -> Result<Vec<ShippingMethod>, StorageError> {
        let mut q = shipping_methods::table
            .filter(shipping_methods::tenant_id.eq(tenant.to_string()))
            .filter(shipping_methods::deleted_at.is_null())
            .into_boxed();
        if active_only {
            q = q.filter(shipping_methods::active.eq(true));
        }
        q.order((shipping_methods::sort_order, shipping_methods::id))
            .select(ShippingRow::as_select())
            .load::<ShippingRow>(self.conn)
            .map_err(storage_error)?
            .into_iter()
            .map(ShippingMethod::try_from)
            .collect()
    }

    fn update_shipping_method(&mut self, m: &ShippingMethod) -> Result<bool, StorageError> {
        let n = diesel::update(
            shipping_methods::table
                .filter(shipping_methods::tenant_id.eq(m.tenant_id.to_string()))
                .filter(shipping_methods::id.eq(m.id.get()))
                .filter(shipping_methods::deleted_at.is_null()),
        )
        .set((
            shipping_methods::name.eq(&m.name),
            shipping_methods::description.eq(m.description.as_deref()),
            shipping_methods::cost_minor.eq(m.cost.minor()),
            shipping_methods::free_shipping_threshold_minor
                .eq(m.free_shipping_threshold.map(|t| t.minor())),
            shipping_methods::currency.eq(m.cost.currency().code()),
            shipping_methods::estimated_days.eq(m.estimated_days.as_deref()),
            shipping_methods::active.eq(m.active),
            shipping_methods::sort_order.eq(m.sort_order),
            shipping_methods::updated_at.eq(ts(m.updated_at)),
        ))
        .execute(self.conn)
        .map_err(storage_error)?;
        Ok(n == 1)
    }

    fn delete_shipping_method(
        &mut self,
        tenant: TenantId,
        id: ShippingMethodId,
        at: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        let n = diesel::update(
            shipping_methods::table
                .filter(shipping_methods::tenant_id.eq(tenant.to_string()))
                .filter(shipping_methods::id.eq(id.get()))
                .filter(shipping_methods::deleted_at.is_null()),
        )
        .set((
            shipping_methods::deleted_at.eq(Some(ts(at))),
            shipping_methods::active.eq(false),
            shipping_methods::updated_at.eq(ts(at)),
        ))
        .execute(self.conn)
        .map_err(storage_error)?;
        Ok(n == 1)
    }

    fn insert_payment_method(&mut self, m: &ShopPaymentMethod) -> Result<(), StorageError> {
        diesel::insert_into(shop_payment_methods::table)
            .values(PaymentMethodRow::from(m))
            .execute(self.conn)
            .map(drop)
            .map_err(storage_error)
    }

    fn find_payment_method(
        &mut self,
        tenant: TenantId,
        id: ShopPaymentMethodId,
    ) -> Result<Option<ShopPaymentMethod>, StorageError> {
        shop_payment_methods::table
            .filter(shop_payment_methods::tenant_id.eq(tenant.to_string()))
            .filter(shop_payment_methods::id.eq(id.to_string()))
            .filter(shop_payment_methods::deleted_at.is_null())
            .select(PaymentMethodRow::as_select())
            .first::<PaymentMethodRow>(self.conn)
            .optional()
            .map_err(storage_error)?
            .map(ShopPaymentMethod::try_from)
            .transpose()
    }

    fn list_payment_methods(
        &mut self,
        tenant: TenantId,
        active_only: bool,
    ) -> Result<Vec<ShopPaymentMethod>, StorageError> {
        let mut q = shop_payment_methods::table
            .filter(shop_payment_methods::tenant_id.eq(tenant.to_string()))
            .filter(shop_payment_methods::deleted_at.is_null())
            .into_boxed();
        if active_only {
            q = q.filter(shop_payment_methods::active.eq(true));
        }
        q.order((shop_payment_methods::position, shop_payment_methods::id))
            .select(PaymentMethodRow::as_select())
            .load::<PaymentMethodRow>(self.conn)
            .map_err(storage_error)?
            .into_iter()
            .map(ShopPaymentMethod::try_from)
            .collect()
    }

    fn update_payment_method(&mut self, m: &ShopPaymentMethod) -> Result<bool, StorageError> {
        let n = diesel::update(
            shop_payment_methods::table
                .filter(shop_payment_methods::tenant_id.eq(m.tenant_id.to_string()))
                .filter(shop_payment_methods::id.eq(m.id.to_string()))
                .filter(shop_payment_methods::deleted_at.is_null()),
        )
        .set((
            shop_payment_methods::name.eq(&m.name),
            shop_payment_methods::method_type.eq(m.kind.as_str()),
            shop_payment_methods::instructions.eq(m.instructions.as_deref()),
            shop_payment_methods::has_gateway.eq(m.has_gateway()),
            shop_payment_methods::position.eq(m.position),
            shop_payment_methods::active.eq(m.active),
            shop_payment_methods::updated_at.eq(ts(m.updated_at)),
        ))
        .execute(self.conn)
        .map_err(storage_error)?;
        Ok(n == 1)
    }

    fn delete_payment_method(
        &mut self,
        tenant: TenantId,
        id: ShopPaymentMethodId,
        at: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        let n = diesel::update(
            shop_payment_methods::table
                .filter(shop_payment_methods::tenant_id.eq(tenant.to_string()))
                .filter(shop_payment_methods::id.eq(id.to_string()))
                .filter(shop_payment_methods::deleted_at.is_null()),
        )
        .set((
            shop_payment_methods::deleted_at.eq(Some(ts(at))),
            shop_payment_methods::active.eq(false),
            shop_payment_methods::updated_at.eq(ts(at)),
        ))
        .execute(self.conn)
        .map_err(storage_error)?;
        Ok(n == 1)
    }

    fn set_shop_info(
        &mut self,
        tenant: TenantId,
        order: OrderId,
        info: &ShopOrderInfo,
    ) -> Result<(), StorageError> {
        let n = diesel::update(
            orders::table
                .filter(orders::tenant_id.eq(tenant.to_string()))
                .filter(orders::id.eq(order.to_string())),
        )
        .set((
            orders::channel.eq(info.channel.as_str()),
            orders::shipping_method_id.eq(info.shipping_method_id.map(ShippingMethodId::get)),
            orders::payment_method_id.eq(info.payment_method_id.map(|p| p.to_string())),
            orders::success_url.eq(info.success_url.as_deref()),
            orders::cancel_url.eq(info.cancel_url.as_deref()),
            orders::language.eq(info.language.as_deref()),
            orders::guest_secret_hash.eq(info.guest_secret_hash.as_deref()),
        ))
        .execute(self.conn)
        .map_err(storage_error)?;
        if n == 1 {
            Ok(())
        } else {
            Err(corrupt("shop facts for a missing order"))
        }
    }

    fn shop_info(
        &mut self,
        tenant: TenantId,
        order: OrderId,
    ) -> Result<Option<ShopOrderInfo>, StorageError> {
        let row = orders::table
            .filter(orders::tenant_id.eq(tenant.to_string()))
            .filter(orders::id.eq(order.to_string()))
            .select((
                orders::channel,
                orders::shipping_method_id,
                orders::payment_method_id,
                orders::success_url,
                orders::cancel_url,
                orders::language,
                orders::guest_secret_hash,
            ))
            .first::<ShopInfoRow>(self.conn)
            .optional()
            .map_err(storage_error)?;
        let Some((
            channel,
            shipping,
            payment,
            success_url,
            cancel_url,
            language,
            guest_secret_hash,
        )) = row
        else {
            return Ok(None);
        };
        Ok(Some(ShopOrderInfo {
            channel: parse::<Channel>("order channel", &channel)?,
            shipping_method_id: shipping
                .map(|id| {
                    ShippingMethodId::new(id)
                        .map_err(|_| corrupt(format!("shipping method id {id}")))
                })
                .transpose()?,
            payment_method_id: payment
                .as_deref()
                .map(|p| parse("payment method id", p))
                .transpose()?,
            success_url,
            cancel_url,
            language,
            guest_secret_hash,
        }))
    }

    fn customer_shop_orders(
        &mut self,
        tenant: TenantId,
        customer_id: &str,
        page: Page,
    ) -> Result<(Vec<Order>, i64), StorageError> {
        let mine = || {
            orders::table
                .filter(orders::tenant_id.eq(tenant.to_string()))
                .filter(orders::customer_id.eq(customer_id.to_owned()))
                .filter(orders::channel.eq(Channel::Online.as_str()))
        };
        let total = mine()
            .count()
            .get_result::<i64>(self.conn)
            .map_err(storage_error)?;
        let rows = mine()
            .order((orders::created_at.desc(), orders::id.desc()))
            .limit(i64::from(page.limit()))
            .offset(page.offset())
            .select(OrderRow::as_select())
            .load::<OrderRow>(self.conn)
            .map_err(storage_error)?;
        let orders = rows
            .into_iter()
            .map(Order::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        Ok((orders, total))
    }
}
