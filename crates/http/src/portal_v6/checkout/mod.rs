//! Storefront checkout on the customer portal (contract §6 and §12): shipping and payment
//! methods, placing and reading shop orders, their payment status, promotion checks, and
//! payments over the gateway. Shop money is JSON numbers in major units; shipping-method ids
//! are integers; shop order ids are the order's UUID.
//!
//! Portal statuses: a shop order is created `pending`; Kedai's statuses read as the client's
//! known values (`confirmed` also for paid, `processing` also for shipped, `completed` also for
//! delivered); payment statuses are `pending`, `completed`, `failed`, `refunded`, `voided`.
use actix_web::HttpRequest;

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
