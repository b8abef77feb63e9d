//! The six operations every master-data entity answers, written once:
//! `crud!(rest_module, service_module, Record, Input, "what", list_path,
//! one_path, archive_path, restore_path)` makes `rest_module::routes()`.

macro_rules! crud {
    ($m:ident, $svc:ident, $rec:ident, $input:ident, $what:literal,
     $list:literal, $one:literal, $archive:literal, $restore:literal) => {
        pub mod $m {
            use super::*;

            pub fn routes() -> OpenApiRouter<AppState> {
                OpenApiRouter::new()
                    .routes(routes!(list, create))
                    .routes(routes!(get, update))
                    .routes(routes!(archive))
                    .routes(routes!(restore))
            }

            #[utoipa::path(
                get,
                path = $list,
                tag = "master",
                summary = concat!("List ", $what, " records: search, page, archived ones on request"),
                params(ListQuery),
                responses(
                    (status = 200, description = "A page, by code", body = Page<$rec>),
                    SignedInErrors,
                    (status = 403, description = "No VIEW permission on master", body = ErrorBody),
                    (status = 422, description = "A query parameter is malformed", body = ErrorBody),
                ),
                security(("bearer" = [])),
            )]
            async fn list(
                State(s): State<AppState>,
                AuthUser(user): AuthUser,
                Query(q): Query<ListQuery>,
            ) -> ApiResult<Json<Page<$rec>>> {
                let p = q.params()?;
                Ok(Json(service::master::list::<$rec>(&s.svc.db, &user, &p).await?))
            }

            #[utoipa::path(
                post,
                path = $list,
                tag = "master",
                summary = concat!("Create a ", $what),
                request_body = $input,
                params(IdempotencyKey),
                responses(
                    (status = 201, description = "As stored", body = $rec),
                    SignedInJsonErrors,
                    (status = 403, description = "No CREATE permission on master", body = ErrorBody),
                    (status = 409, description = "The key was used for another request", body = ErrorBody),
                    (status = 422, description = "A field is missing, malformed or taken (the code)", body = ErrorBody),
                ),
                security(("bearer" = [])),
            )]
            async fn create(
                State(s): State<AppState>,
                AuthUser(user): AuthUser,
                headers: HeaderMap,
                JsonBody(input): JsonBody<$input>,
            ) -> ApiResult<(StatusCode, Json<$rec>)> {
                let key = idempotency_key(&headers);
                let r = service::master::$svc::create(&s.svc, &user, &input, key.as_deref(), now_ms())
                    .await?;
                Ok((StatusCode::CREATED, Json(r)))
            }

            #[utoipa::path(
                get,
                path = $one,
                tag = "master",
                summary = concat!("One ", $what),
                params(("id" = i64, Path, description = "The id")),
                responses(
                    (status = 200, description = "The record", body = $rec),
                    SignedInErrors,
                    (status = 403, description = "No VIEW permission on master", body = ErrorBody),
                    (status = 404, description = "No such record", body = ErrorBody),
                    (status = 422, description = "The id is not a whole number", body = ErrorBody),
                ),
                security(("bearer" = [])),
            )]
            async fn get(
                State(s): State<AppState>,
                AuthUser(user): AuthUser,
                Path(id): Path<i64>,
            ) -> ApiResult<Json<$rec>> {
                Ok(Json(service::master::get::<$rec>(&s.svc.db, &user, id).await?))
            }

            #[utoipa::path(
                put,
                path = $one,
                tag = "master",
                summary = concat!("Edit a ", $what, " (send the version you read)"),
                params(("id" = i64, Path, description = "The id"), IdempotencyKey),
                request_body = Versioned<$input>,
                responses(
                    (status = 200, description = "As stored, with its new version", body = $rec),
                    SignedInJsonErrors,
                    (status = 403, description = "No UPDATE permission on master", body = ErrorBody),
                    (status = 404, description = "No such record", body = ErrorBody),
                    (status = 409, description = "Changed since that version, or the key was used for another request", body = ErrorBody),
                    (status = 422, description = "A field is missing, malformed or taken (the code)", body = ErrorBody),
                ),
                security(("bearer" = [])),
            )]
            async fn update(
                State(s): State<AppState>,
                AuthUser(user): AuthUser,
                headers: HeaderMap,
                Path(id): Path<i64>,
                JsonBody(input): JsonBody<Versioned<$input>>,
            ) -> ApiResult<Json<$rec>> {
                let key = idempotency_key(&headers);
                Ok(Json(
                    service::master::$svc::update(&s.svc, &user, id, &input, key.as_deref(), now_ms())
                        .await?,
                ))
            }

            #[utoipa::path(
                post,
                path = $archive,
                tag = "master",
                summary = concat!("Archive a ", $what, " (refused while active records use it)"),
                params(("id" = i64, Path, description = "The id"), IdempotencyKey),
                responses(
                    (status = 200, description = "Archived", body = $rec),
                    SignedInErrors,
                    (status = 403, description = "No UPDATE permission on master", body = ErrorBody),
                    (status = 404, description = "No such record", body = ErrorBody),
                    (status = 409, description = "Active records use it (they are named)", body = ErrorBody),
                    (status = 422, description = "The id or key is malformed", body = ErrorBody),
                ),
                security(("bearer" = [])),
            )]
            async fn archive(
                State(s): State<AppState>,
                AuthUser(user): AuthUser,
                headers: HeaderMap,
                Path(id): Path<i64>,
            ) -> ApiResult<Json<$rec>> {
                let key = idempotency_key(&headers);
                Ok(Json(
                    service::master::archive::<$rec>(&s.svc, &user, id, key.as_deref(), now_ms())
                        .await?,
                ))
            }

            #[utoipa::path(
                post,
                path = $restore,
                tag = "master",
                summary = concat!("Restore an archived ", $what),
                params(("id" = i64, Path, description = "The id"), IdempotencyKey),
                responses(
                    (status = 200, description = "Active again", body = $rec),
                    SignedInErrors,
                    (status = 403, description = "No UPDATE permission on master", body = ErrorBody),
                    (status = 404, description = "No such record", body = ErrorBody),
                    (status = 409, description = "The key was used for another request", body = ErrorBody),
                    (status = 422, description = "The id or key is malformed", body = ErrorBody),
                ),
                security(("bearer" = [])),
            )]
            async fn restore(
                State(s): State<AppState>,
                AuthUser(user): AuthUser,
                headers: HeaderMap,
                Path(id): Path<i64>,
            ) -> ApiResult<Json<$rec>> {
                let key = idempotency_key(&headers);
                Ok(Json(
                    service::master::restore::<$rec>(&s.svc, &user, id, key.as_deref(), now_ms())
                        .await?,
                ))
            }
        }
    };
}
