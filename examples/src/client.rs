//! A Rust client of the orders service: failed calls come back as the
//! service's own [`OrderError`], read from the problem body by
//! [`ProblemExt::error_for_problem`]. Run by the `client` binary and at the
//! end of the tour.

use apierror::reqwest::{Error, ProblemExt};
use reqwest::Method;

use crate::orders::{Action, DECLINED_CARD, DEMO_TOKEN, Order, OrderError, OrderState};

/// What a call of the client gives: the order, or the service's error.
pub type Outcome = Result<Order, Error<OrderError>>;

/// One call to the service: `method` on `path`, with the token unless
/// `anonymous`, and a JSON `body`.
pub async fn call(
    client: &reqwest::Client,
    base: &str,
    method: Method,
    path: &str,
    body: Option<serde_json::Value>,
    anonymous: bool,
) -> Outcome {
    let mut request = client.request(method, format!("{base}{path}"));
    if !anonymous {
        request = request.bearer_auth(DEMO_TOKEN);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request
        .send()
        .await?
        .error_for_problem::<OrderError>()
        .await?;
    Ok(response.json::<Order>().await?)
}

/// Runs the client's calls against the service at `base`, printing what each
/// gives; the number of calls whose outcome was not the expected one.
pub async fn run(base: &str) -> usize {
    let client = match reqwest::Client::builder().no_proxy().build() {
        Ok(client) => client,
        Err(error) => {
            eprintln!("no HTTP client: {error}");
            return 1;
        }
    };
    let declined = serde_json::json!({ "card": DECLINED_CARD });
    let invalid = serde_json::json!({ "lines": [{ "sku": "", "qty": 0 }] });
    let calls: [(&str, Method, &str, Option<serde_json::Value>, bool); 7] = [
        ("read order 1", Method::GET, "/orders/1", None, false),
        (
            "cancel order 2, which is paid",
            Method::DELETE,
            "/orders/2",
            None,
            false,
        ),
        (
            "pay order 1 with a declined card",
            Method::POST,
            "/orders/1/pay",
            Some(declined),
            false,
        ),
        (
            "list the orders without a token",
            Method::GET,
            "/orders",
            None,
            true,
        ),
        ("read order 999", Method::GET, "/orders/999", None, false),
        (
            "place an order whose line breaks the rules",
            Method::POST,
            "/orders",
            Some(invalid),
            false,
        ),
        (
            "track order 1",
            Method::GET,
            "/orders/1/tracking",
            None,
            false,
        ),
    ];
    let mut failures = 0;
    for (what, method, path, body, anonymous) in calls {
        println!("\n━━ client: {what} ({method} {path})");
        let outcome = call(&client, base, method, path, body, anonymous).await;
        if !describe(path, &outcome) {
            println!("! not what this call should give");
            failures += 1;
        }
    }
    failures
}

/// Prints what a caller does with each outcome, matching on the server's own
/// error type; whether it is the one `path` should give.
fn describe(path: &str, outcome: &Outcome) -> bool {
    match outcome {
        Ok(order) => {
            let lines: Vec<String> = order
                .lines
                .iter()
                .map(|line| format!("{} x {}", line.qty, line.sku))
                .collect();
            println!("Ok: {} ({})", lines.join(", "), order.state);
            path == "/orders/1"
        }
        Err(Error::Api(OrderError::WrongState { id, state, action })) => {
            println!("Api(WrongState): order {id} is {state}, so it cannot be {action}");
            (*id, *state, *action) == (2, OrderState::Paid, Action::Cancel)
        }
        Err(Error::Api(OrderError::Payment(declined))) => {
            println!("Api(Payment): the card was declined ({})", declined.reason);
            path.ends_with("/pay")
        }
        Err(Error::Api(OrderError::Invalid(violations))) => {
            println!("Api(Invalid): {violations}");
            for v in violations {
                println!("  {}: {}", v.pointer(), v.detail());
            }
            let pointers: Vec<&str> = violations.iter().map(|v| v.pointer()).collect();
            path == "/orders" && pointers == ["/lines/0/qty", "/lines/0/sku"]
        }
        Err(Error::Api(OrderError::Unauthenticated)) => {
            println!("Api(Unauthenticated): log in again");
            path == "/orders"
        }
        Err(Error::Api(other)) => {
            println!("Api: {other}");
            false
        }
        // The variants that cannot be told apart or read back arrive as the
        // problem itself: status, type, title, detail and members as sent.
        Err(Error::Problem(problem)) => {
            println!("Problem: {problem}");
            println!("  {}", serde_json::to_string(problem).unwrap_or_default());
            let status = problem.status().map(|s| s.as_u16());
            match path {
                "/orders/999" => status == Some(404) && problem.instance() == Some("/orders/999"),
                "/orders/1/tracking" => status == Some(503),
                _ => false,
            }
        }
        Err(Error::Transport(error)) => {
            println!("Transport: {error}");
            false
        }
    }
}
