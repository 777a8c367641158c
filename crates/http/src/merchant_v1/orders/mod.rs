//! Orders (003 §13, 002's OrderApiService).

mod fields;
mod place;
mod read;
mod refunds;
mod reports;
mod responses;

pub use fields::*;
pub use place::*;
pub use read::*;
pub use refunds::*;
pub use reports::*;
pub use responses::*;

pub(super) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    // Fixed paths before `/orders/{id}`.
    cfg.service(place_order)
        .service(list_orders)
        .service(order_summary)
        .service(order_trend)
        .service(order_by_number)
        .service(get_order)
        .service(order_items)
        .service(update_order_fields)
        .service(update_order_status)
        .service(refund_order)
        .service(order_refunds)
        .service(customer_orders);
}
