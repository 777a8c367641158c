//! Storefront checkout on the customer portal (contract §6 and §12): shipping and payment
//! methods, placing and reading shop orders, their payment status, promotion checks, and
//! payments over the gateway. Shop money is JSON numbers in major units; shipping-method ids
//! are integers; shop order ids are the order's UUID.
//!
//! Portal statuses: a shop order is created `pending`; Kedai's statuses read as the client's
//! known values (`confirmed` also for paid, `processing` also for shipped, `completed` also for
//! delivered); payment statuses are `pending`, `completed`, `failed`, `refunded`, `voided`.
use actix_web::HttpRequest;
use kedai_app::checkout::Shopper;

use crate::portal_v6::{MaybeCustomer, PortalTenant};

mod methods;
mod orders;
mod payment;
mod place;
mod promotion;
mod shapes;

pub use methods::*;
pub use orders::*;
pub use payment::*;
pub use place::*;
pub use promotion::*;
pub use shapes::*;

pub(super) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_shop_shipping_methods)
        .service(list_shop_payment_methods)
        .service(create_shop_order)
        .service(list_shop_orders)
        .service(get_shop_order_payment_status)
        .service(get_shop_order)
        .service(validate_promotion)
        .service(get_payment_gateway)
        .service(portal_create_payment_intent);
}

/// The shopper of a request: the tenant, and the signed-in customer when their token is of
/// that tenant.
fn shopper(tenant: PortalTenant, caller: &MaybeCustomer) -> Shopper {
    let tenant = tenant.0;
    Shopper {
        customer: caller
            .0
            .as_ref()
            .filter(|c| c.tenant == tenant.id)
            .map(|c| c.customer),
        tenant,
    }
}
