//! The orders domain, shared by both apps: the data, an in-memory store, and
//! the errors, declared once with `#[derive(ApiError)]`.

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use apierror::record::ProblemRecord;
use apierror::{ApiError, Violations};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

/// The bearer token every `/orders` route wants: `Authorization: Bearer demo-token`.
pub const DEMO_TOKEN: &str = "demo-token";

/// How often `GET /orders/export` may run.
pub const EXPORT_INTERVAL: Duration = Duration::from_secs(60);

/// A card number the demo payment provider always declines.
pub const DECLINED_CARD: &str = "4000000000000002";

/// The largest request body either app reads, in bytes: axum's
/// `DefaultBodyLimit`, and actix-web's `JsonConfig` default limit (2 MiB),
/// which the actix-web app keeps. A bigger body is answered with 413.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// Where an order is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    /// Placed, not paid yet.
    Open,
    /// Paid; it can no longer be cancelled.
    Paid,
    /// Cancelled before payment.
    Cancelled,
}

impl fmt::Display for OrderState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OrderState::Open => "open",
            OrderState::Paid => "paid",
            OrderState::Cancelled => "cancelled",
        })
    }
}

/// A change to an order that its state can forbid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// `DELETE /orders/{id}`.
    Cancel,
    /// `POST /orders/{id}/pay`.
    Pay,
}

impl fmt::Display for Action {
    /// As the error message says it: "it cannot be cancelled".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Action::Cancel => "cancelled",
            Action::Pay => "paid",
        })
    }
}

/// An order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Order {
    /// Its id, assigned by the store.
    pub id: u64,
    /// What was ordered.
    pub lines: Vec<Line>,
    /// Where it is in its life.
    pub state: OrderState,
}

/// One line of an order: a product and how many of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
pub struct Line {
    /// The product's stock-keeping unit; not empty.
    #[validate(length(min = 1, message = "must not be empty"))]
    #[schema(min_length = 1)]
    pub sku: String,
    /// How many, 1 to 100.
    #[validate(range(min = 1, max = 100))]
    #[schema(minimum = 1, maximum = 100)]
    pub qty: u32,
}

/// The body of `POST /orders`: `{"lines": [{"sku": "espresso-beans", "qty": 2}]}`.
///
/// Its rules are validator's (`#[derive(Validate)]`); a body that breaks
/// them is answered with 422 and one `errors` entry per value, pointing at
/// it (`#/lines/1/qty`): see [`Store::create`].
#[derive(Clone, Debug, Deserialize, Validate, ToSchema)]
pub struct NewOrder {
    /// What to order: at least one line, each valid.
    #[validate(length(min = 1, message = "must hold at least one line"), nested)]
    #[schema(min_items = 1)]
    pub lines: Vec<Line>,
}

/// The body of `POST /orders/{id}/pay`.
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct Payment {
    /// The card number.
    pub card: String,
}

/// Where a paid order's parcel is, as the carrier says.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Tracking {
    /// The order.
    pub id: u64,
    /// The carrier's status text.
    pub status: String,
}

/// The payment provider's own error type; `OrderError::Payment` passes it on
/// unchanged (`#[status(transparent)]`), and a client reads it back.
#[derive(Debug, PartialEq, thiserror::Error, ApiError)]
#[error("card declined: {reason}")]
#[status(402)]
#[problem(
    openapi,
    client,
    type = "/problems/payment-declined",
    title = "Payment declined"
)]
pub struct PaymentDeclined {
    /// Why, in the provider's words.
    #[problem(extension)]
    pub reason: String,
}

/// Everything the orders service can answer with instead of what was asked.
///
/// `#[problem(client)]`: a Rust client reads these back from the problem
/// ([`apierror::FromProblem`]); see the `client` binary. The variants whose
/// fields are all extension members and whose `type` (or, for `about:blank`,
/// status and title) is their own come back as themselves: `Unauthenticated`,
/// `WrongState`, `Payment`, and `Invalid` with its violations. The others
/// reach a client as a plain `Problem`.
///
/// It documents itself too: `#[problem(openapi)]` makes it a
/// `utoipa::IntoResponses` (see [`crate::api`]), and its relative type URIs
/// lead to the pages `problem_pages` serves.
#[derive(Debug, thiserror::Error, ApiError)]
#[problem(client, openapi)]
pub enum OrderError {
    /// No or a wrong bearer token.
    #[error("missing or invalid bearer token")]
    #[status(401)]
    #[problem(header(www_authenticate = "Bearer realm=\"orders\""))]
    Unauthenticated,

    /// No order with this id.
    #[error("order {id} not found")]
    #[status(404)]
    #[problem(instance = "/orders/{id}")]
    NotFound {
        /// The id asked for.
        id: u64,
    },

    /// The path names no resource: an order id that is not a number. (A
    /// path no route matches is the router's 404, made a problem by the
    /// layer.)
    #[error("no resource at this path")]
    #[status(NOT_FOUND)]
    NoRoute,

    /// The order's state forbids the change.
    #[error("order {id} is {state}; it cannot be {action}")]
    #[status(CONFLICT)]
    #[problem(type = "/problems/order-state", title = "Order is in the wrong state")]
    WrongState {
        /// The order.
        #[problem(extension)]
        id: u64,
        /// Its state.
        #[problem(extension)]
        state: OrderState,
        /// What was attempted.
        #[problem(extension)]
        action: Action,
    },

    /// A body of the right shape whose values break [`NewOrder`]'s rules:
    /// 422 with one `errors` entry per invalid value, each with its pointer.
    #[error(transparent)]
    #[status(transparent)]
    Invalid(#[from] Violations),

    /// Too soon after the last export.
    #[error("export is limited to one per minute")]
    #[status(429)]
    #[problem(header(retry_after = "{retry_after}"))]
    RateLimited {
        /// Seconds until the next export is allowed.
        retry_after: u64,
    },

    /// The carrier's API is down. A 5xx: the body says nothing of the cause,
    /// the log has it all.
    #[error("carrier unavailable: {0}")]
    #[status(503)]
    #[problem(header(retry_after = "30"))]
    CarrierUnavailable(#[source] io::Error),

    /// The payment provider's answer, passed on as it is.
    #[error(transparent)]
    #[status(transparent)]
    Payment(#[from] PaymentDeclined),
}

/// Checks an `Authorization` header value.
pub fn authenticate(authorization: Option<&[u8]>) -> Result<(), OrderError> {
    let expected = format!("Bearer {DEMO_TOKEN}");
    match authorization {
        Some(value) if value == expected.as_bytes() => Ok(()),
        _ => Err(OrderError::Unauthenticated),
    }
}

/// The in-memory store, seeded with order 1 (open) and order 2 (paid).
#[derive(Debug)]
pub struct Store {
    orders: Mutex<BTreeMap<u64, Order>>,
    last_export: Mutex<Option<Instant>>,
}

impl Default for Store {
    fn default() -> Self {
        Store::new()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Store {
    /// A store with the two seed orders.
    pub fn new() -> Store {
        let seed = [
            (1, "espresso-beans", 2, OrderState::Open),
            (2, "milk-frother", 1, OrderState::Paid),
        ]
        .map(|(id, sku, qty, state)| {
            let lines = vec![Line {
                sku: sku.to_owned(),
                qty,
            }];
            (id, Order { id, lines, state })
        });
        Store {
            orders: Mutex::new(BTreeMap::from(seed)),
            last_export: Mutex::new(None),
        }
    }

    /// Every order.
    pub fn list(&self) -> Vec<Order> {
        lock(&self.orders).values().cloned().collect()
    }

    /// Order `id`.
    pub fn get(&self, id: u64) -> Result<Order, OrderError> {
        lock(&self.orders)
            .get(&id)
            .cloned()
            .ok_or(OrderError::NotFound { id })
    }

    /// Places an order, once its rules hold: every broken rule is one
    /// violation of [`OrderError::Invalid`].
    pub fn create(&self, new: NewOrder) -> Result<Order, OrderError> {
        new.validate().map_err(Violations::from)?;
        let mut orders = lock(&self.orders);
        let id = orders.keys().next_back().map_or(1, |last| last + 1);
        let order = Order {
            id,
            lines: new.lines,
            state: OrderState::Open,
        };
        orders.insert(id, order.clone());
        Ok(order)
    }

    /// Cancels an open order.
    pub fn cancel(&self, id: u64) -> Result<Order, OrderError> {
        self.transition(id, Action::Cancel, OrderState::Cancelled)
    }

    /// Pays an open order with `payment`.
    pub fn pay(&self, id: u64, payment: &Payment) -> Result<Order, OrderError> {
        let order = self.get(id)?;
        if order.state != OrderState::Open {
            return Err(OrderError::WrongState {
                id,
                state: order.state,
                action: Action::Pay,
            });
        }
        charge(&payment.card)?;
        self.transition(id, Action::Pay, OrderState::Paid)
    }

    fn transition(&self, id: u64, action: Action, to: OrderState) -> Result<Order, OrderError> {
        let mut orders = lock(&self.orders);
        let order = orders.get_mut(&id).ok_or(OrderError::NotFound { id })?;
        if order.state != OrderState::Open {
            return Err(OrderError::WrongState {
                id,
                state: order.state,
                action,
            });
        }
        order.state = to;
        Ok(order.clone())
    }

    /// Every order, at most once per [`EXPORT_INTERVAL`].
    pub fn export(&self) -> Result<Vec<Order>, OrderError> {
        let mut last = lock(&self.last_export);
        let now = Instant::now();
        if let Some(elapsed) = last.map(|at| now.duration_since(at))
            && elapsed < EXPORT_INTERVAL
        {
            let left = EXPORT_INTERVAL - elapsed;
            // Round up: "Retry-After: 0" would invite an immediate retry.
            let retry_after = left.as_secs() + u64::from(left.subsec_nanos() > 0);
            return Err(OrderError::RateLimited { retry_after });
        }
        *last = Some(now);
        drop(last);
        Ok(self.list())
    }

    /// Asks the carrier where order `id` is. The demo carrier is always down.
    pub fn tracking(&self, id: u64) -> Result<Tracking, OrderError> {
        let order = self.get(id)?;
        let status = carrier_status(order.id).map_err(OrderError::CarrierUnavailable)?;
        Ok(Tracking { id, status })
    }

    /// Renders order `id`'s invoice. It has a bug (an off-by-one that indexes
    /// past the end of the line list), so the handler panics: the demo of the
    /// catch-panic middleware.
    pub fn invoice(&self, id: u64) -> Result<String, OrderError> {
        let order = self.get(id)?;
        let lines: Vec<String> = order
            .lines
            .iter()
            .map(|line| format!("{} x {}", line.qty, line.sku))
            .collect();
        // The bug: `..=` reads one line past the end.
        let body: Vec<&str> = (0..=lines.len()).map(|n| lines[n].as_str()).collect();
        Ok(format!("Invoice for order {id}\n{}\n", body.join("\n")))
    }
}

/// The demo payment provider: declines [`DECLINED_CARD`], accepts the rest.
fn charge(card: &str) -> Result<(), PaymentDeclined> {
    if card == DECLINED_CARD {
        Err(PaymentDeclined {
            reason: "insufficient_funds".to_owned(),
        })
    } else {
        Ok(())
    }
}

/// The demo carrier API, which is down: its error names an internal host, the
/// kind of detail a 5xx body must not show.
fn carrier_status(_id: u64) -> io::Result<String> {
    Err(io::Error::new(
        io::ErrorKind::ConnectionRefused,
        "connect to carrier-api.internal:8443 refused",
    ))
}

/// Problem counts by status and type, fed from the
/// [`ProblemRecord`] in each response's extensions: what a metrics layer
/// does without parsing bodies.
#[derive(Debug, Default)]
pub struct Metrics {
    problems: Mutex<BTreeMap<(u16, String), u64>>,
}

impl Metrics {
    /// Counts one problem response.
    pub fn count(&self, record: &ProblemRecord) {
        let key = (record.status().as_u16(), record.problem_type().to_owned());
        *lock(&self.problems).entry(key).or_default() += 1;
    }

    /// The counts in the Prometheus text format.
    pub fn render(&self) -> String {
        let mut text = String::from("# TYPE problems_total counter\n");
        for ((status, problem_type), count) in lock(&self.problems).iter() {
            text.push_str(&format!(
                "problems_total{{status=\"{status}\",type=\"{problem_type}\"}} {count}\n"
            ));
        }
        text
    }
}

/// What every handler of either app shares.
#[derive(Clone, Debug, Default)]
pub struct AppState {
    /// The orders.
    pub store: Arc<Store>,
    /// Problem counts, served at `GET /metrics`.
    pub metrics: Arc<Metrics>,
}
