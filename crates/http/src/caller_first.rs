//! Who is asking is answered before what they sent. A request's caller (a staff session, or the
//! storefront's merchant and customer) is checked as the first step of its one blocking hop; a
//! request that fails before that hop (a bad path, query or body, a rate limit) has not been
//! checked, and [`caller_first`] checks it then, in one read, answering the caller's error (401,
//! 403, or the portal's unknown merchant) instead of the one found. The success path pays
//! nothing.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{HttpMessage, ResponseError, web};
use chrono::{DateTime, Utc};
use kedai_app::Store;

use crate::error::{ApiError, Failure};
use crate::surface::Surface;
use crate::{AppState, blocking};

/// A caller an extractor read from the request but the request's hop has not checked yet: kept
/// in the request's extensions by the extractor, removed by the hop once it has checked it.
pub(crate) trait Unchecked: Send + 'static {
    /// Checks the caller as the hop would.
    ///
    /// # Errors
    /// What the caller's hop would answer first (401, 403, an unknown merchant), or a storage
    /// failure.
    fn check(self, store: &dyn Store, now: DateTime<Utc>) -> Result<(), Failure>;
}

/// Middleware of surface `S`: when a request that still holds an [`Unchecked`] caller `U` fails
/// with a 4xx other than 401, the caller is checked, and a client error the check finds is the
/// answer instead. A storage failure of the check leaves the first answer standing.
pub(crate) async fn caller_first<S: Surface, U: Unchecked, B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    // The request is read back from the response: a copy held across the call would keep the
    // router from writing the path's match info.
    let res = next.call(req).await?;
    let unchecked = res.request().extensions_mut().remove::<U>();
    let status = res.status();
    let Some(unchecked) = unchecked else {
        return Ok(res.map_into_left_body());
    };
    if !status.is_client_error() || status == StatusCode::UNAUTHORIZED {
        return Ok(res.map_into_left_body());
    }
    let Some(state) = res.request().app_data::<web::Data<AppState>>().cloned() else {
        return Ok(res.map_into_left_body());
    };
    let now = state.now();
    let verdict = blocking::<_, S>(&state, move |store| Ok(unchecked.check(store, now))).await;
    match verdict {
        Ok(Err(failure)) => {
            let answer = ApiError::<S>::from(failure);
            if answer.status_code().is_client_error() {
                Ok(res
                    .into_response(answer.error_response())
                    .map_into_right_body())
            } else {
                Ok(res.map_into_left_body())
            }
        }
        _ => Ok(res.map_into_left_body()),
    }
}
