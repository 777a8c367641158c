//! Supabase-style edge functions (`/functions/v1/*`) for inventory and orders: request and
//! response fields, envelope and status codes of the edge-function documents.
use crate::error::ApiError;
use crate::surface::Edge;

mod inventory;
mod orders;
mod summary;

pub use inventory::*;
pub use orders::*;
pub use summary::*;

type Result<T> = std::result::Result<T, ApiError<Edge>>;

/// Registers the edge functions.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(stock_in)
        .service(stock_adjust)
        .service(allocate_inventory)
        .service(order_create)
        .service(mock_payment)
        .service(edge_order_summary);
}
