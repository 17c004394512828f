//! The orders domain, shared by both apps: the data, an in-memory store, and
//! the errors, declared once with `#[derive(ApiError)]`.

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use apierror::ApiError;
use apierror::record::ProblemRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The bearer token every `/orders` route wants: `Authorization: Bearer demo-token`.
pub const DEMO_TOKEN: &str = "demo-token";

/// How often `GET /orders/export` may run.
pub const EXPORT_INTERVAL: Duration = Duration::from_secs(60);

/// A card number the demo payment provider always declines.
pub const DECLINED_CARD: &str = "4000000000000002";

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
    pub item: String,
    /// How many, 1 to 100.
    #[schema(minimum = 1, maximum = 100)]
    pub quantity: u32,
    /// Where it is in its life.
    pub state: OrderState,
}

/// The body of `POST /orders`.
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct NewOrder {
    /// What to order.
    pub item: String,
    /// How many, 1 to 100.
    #[schema(minimum = 1, maximum = 100)]
    pub quantity: u32,
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
/// `WrongState`, `Payment`. The others reach a client as a plain `Problem`.
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

    /// No route matches the path.
    #[error("no resource at this path")]
    #[status(NOT_FOUND)]
    NoRoute,

    /// The route exists, the method does not.
    #[error("this resource allows only {allow}")]
    #[status(405)]
    #[problem(header(allow = "{allow}"))]
    MethodNotAllowed {
        /// The methods it allows, as the `Allow` header lists them.
        allow: &'static str,
    },

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

    /// A quantity outside 1 to 100.
    #[error("quantity {quantity} is out of range")]
    #[status(422)]
    #[problem(
        type = "/problems/invalid-quantity",
        detail = "quantity must be between 1 and 100, got {quantity}"
    )]
    InvalidQuantity {
        /// The quantity sent.
        quantity: u32,
    },

    /// The body is not the JSON the route expects. The parser's message goes
    /// to the log, the client gets a fixed detail.
    #[error("malformed request body: {reason}")]
    #[status(400)]
    #[problem(detail = "the request body is not valid JSON for this endpoint")]
    MalformedBody {
        /// What the JSON parser said.
        reason: String,
    },

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

impl OrderError {
    /// A [`MalformedBody`](OrderError::MalformedBody) from any parser error.
    pub fn malformed(error: impl fmt::Display) -> OrderError {
        OrderError::MalformedBody {
            reason: error.to_string(),
        }
    }
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
            (1, "espresso beans", 2, OrderState::Open),
            (2, "milk frother", 1, OrderState::Paid),
        ]
        .map(|(id, item, quantity, state)| {
            (
                id,
                Order {
                    id,
                    item: item.to_owned(),
                    quantity,
                    state,
                },
            )
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

    /// Places an order.
    pub fn create(&self, new: NewOrder) -> Result<Order, OrderError> {
        if !(1..=100).contains(&new.quantity) {
            return Err(OrderError::InvalidQuantity {
                quantity: new.quantity,
            });
        }
        let mut orders = lock(&self.orders);
        let id = orders.keys().next_back().map_or(1, |last| last + 1);
        let order = Order {
            id,
            item: new.item,
            quantity: new.quantity,
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
        if let Some(elapsed) = last.map(|at| now.duration_since(at)) {
            if elapsed < EXPORT_INTERVAL {
                let left = EXPORT_INTERVAL - elapsed;
                // Round up: "Retry-After: 0" would invite an immediate retry.
                let retry_after = left.as_secs() + u64::from(left.subsec_nanos() > 0);
                return Err(OrderError::RateLimited { retry_after });
            }
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
        let lines = [format!("{} x {}", order.quantity, order.item)];
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
