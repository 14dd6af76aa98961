//! The OpenAPI document of the hub's `/v1` protocol and its health routes, served at
//! `/v1/openapi.json` and checked against the real routes by the tests (every documented route
//! answers; every route answers only what is documented).

use comanda_domain::codec::StoredEvent;
use comanda_sync::http::ErrorBody;
use comanda_sync::wire::{
    EventResult, ExchangeRequest, ExchangeResponse, PairRequest, PairResponse, ResultKind,
    WatchResponse, WireHeld, WireVector,
};
use utoipa::openapi::path::{HttpMethod, OperationBuilder, PathItem};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::response::{ResponseBuilder, ResponsesBuilder};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder, Ref,
    Required,
};
use utoipa::{PartialSchema, ToSchema};

fn json(name: &str) -> utoipa::openapi::Content {
    ContentBuilder::new()
        .schema(Some(Ref::from_schema_name(name)))
        .build()
}

fn error(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content("application/json", json("ErrorBody"))
        .build()
}

fn post(
    id: &str,
    summary: &str,
    req: &str,
    resp: &str,
    errors: &[(&str, &str)],
    secured: bool,
) -> PathItem {
    let mut responses = ResponsesBuilder::new().response(
        "200",
        ResponseBuilder::new()
            .description("Done")
            .content("application/json", json(resp))
            .build(),
    );
    for (status, what) in errors {
        responses = responses.response(*status, error(what));
    }
    let mut op = OperationBuilder::new()
        .operation_id(Some(id))
        .summary(Some(summary))
        .request_body(Some(
            RequestBodyBuilder::new()
                .content("application/json", json(req))
                .required(Some(Required::True))
                .build(),
        ))
        .responses(responses.build());
    if secured {
        op = op.security(SecurityRequirement::new("device", Vec::<String>::new()));
    }
    PathItem::new(HttpMethod::Post, op.build())
}

fn get(id: &str, summary: &str, content_type: &str) -> PathItem {
    let ok = ResponseBuilder::new()
        .description("Done")
        .content(content_type, ContentBuilder::new().build())
        .build();
    PathItem::new(
        HttpMethod::Get,
        OperationBuilder::new()
            .operation_id(Some(id))
            .summary(Some(summary))
            .responses(
                ResponsesBuilder::new()
                    .response("200", ok)
                    .response("503", error("Not ready"))
                    .build(),
            )
            .build(),
    )
}

/// `GET /v1/watch`: the live path's long poll.
fn watch() -> PathItem {
    let mut responses = ResponsesBuilder::new().response(
        "200",
        ResponseBuilder::new()
            .description("The store's change counter here: now if it differs from `after`, else at the next change or after 25 s")
            .content("application/json", json("WatchResponse"))
            .build(),
    );
    for (status, what) in [
        ("400", "`after` is not a whole number"),
        ("401", "No token, or an unknown or revoked one: pair again"),
        ("404", "This node has no live path: exchange on a timer"),
        (
            "503",
            "Shutting down: watch again in a moment (Retry-After)",
        ),
    ] {
        responses = responses.response(status, error(what));
    }
    let after = utoipa::openapi::path::ParameterBuilder::new()
        .name("after")
        .parameter_in(utoipa::openapi::path::ParameterIn::Query)
        .required(Required::False)
        .description(Some(
            "The counter last seen; left out, the answer is at once",
        ))
        .schema(Some(u64::schema()))
        .build();
    PathItem::new(
        HttpMethod::Get,
        OperationBuilder::new()
            .operation_id(Some("watch"))
            .summary(Some(
                "Wait for the store to change on this node (then exchange)",
            ))
            .parameter(after)
            .responses(responses.build())
            .security(SecurityRequirement::new("device", Vec::<String>::new()))
            .build(),
    )
}

macro_rules! schemas {
    ($components:ident, $($t:ty),* $(,)?) => {{
        let mut c = $components;
        $(
            let mut nested = Vec::new();
            <$t as ToSchema>::schemas(&mut nested);
            c = c.schema(<$t as ToSchema>::name(), <$t as PartialSchema>::schema()).schemas_from_iter(nested);
        )*
        c
    }};
}

/// The document.
pub fn document() -> OpenApi {
    let components = ComponentsBuilder::new().security_scheme(
        "device",
        SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
    );
    let components = schemas!(
        components,
        ErrorBody,
        PairRequest,
        PairResponse,
        ExchangeRequest,
        ExchangeResponse,
        EventResult,
        ResultKind,
        WireVector,
        WireHeld,
        StoredEvent,
        WatchResponse,
    );
    let paths = PathsBuilder::new()
        .path(
            "/v1/pair",
            post(
                "pair",
                "Exchange a one-time pairing code for a device identity and token",
                "PairRequest",
                "PairResponse",
                &[
                    ("400", "Malformed request or name"),
                    ("403", "Unknown, used or expired code"),
                    ("429", "Too many wrong codes: wait (Retry-After)"),
                ],
                false,
            ),
        )
        .path(
            "/v1/exchange",
            post(
                "exchange",
                "One round of anti-entropy: take the events sent, answer a page of what the asker lacks",
                "ExchangeRequest",
                "ExchangeResponse",
                &[
                    ("400", "Malformed request or protocol version"),
                    ("401", "No token, or an unknown or revoked one: pair again"),
                    ("403", "Another store, or another device than the token's"),
                    ("413", "Body too large: halve the page"),
                    ("503", "Try again (Retry-After)"),
                ],
                true,
            ),
        )
        .path("/v1/watch", watch())
        .path("/healthz", get("healthz", "Liveness", "text/plain"))
        .path(
            "/readyz",
            get(
                "readyz",
                "Readiness: the database answers and every store opens",
                "text/plain",
            ),
        )
        .path(
            "/metrics",
            get("metrics", "Prometheus metrics", "text/plain; version=0.0.4"),
        )
        .path(
            "/v1/openapi.json",
            get("openapi", "This document", "application/json"),
        );
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Comanda node protocol")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "What every node of a store (the hub, each terminal) answers its peers. Errors are {code, message}.",
                ))
                .build(),
        )
        .paths(paths.build())
        .components(Some(components.build()))
        .build()
}
