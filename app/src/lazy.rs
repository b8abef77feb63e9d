//! Route splitting. Every screen is a lazy route: built with
//! `cargo leptos build --split`, its code goes into its own wasm chunk (with
//! what only its module uses), so a page downloads the shell plus its own
//! module, and the server names that chunk in the page's preload links.
//! Built without `--split`, the same routes run from one bundle.

/// `lazy_page!(Route => Page)` declares `Route`, the lazy route of the
/// component `Page` (which takes no props).
macro_rules! lazy_page {
    ($($route:ident => $page:ident),+ $(,)?) => {$(
        #[doc = concat!("The lazily loaded route of [`", stringify!($page), "`].")]
        pub struct $route;

        #[::leptos_router::lazy_route]
        impl ::leptos_router::LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> ::leptos::prelude::AnyView {
                use ::leptos::prelude::*;
                // Runs after this route's view has hydrated.
                Effect::new(|_| $crate::live::mark_hydrated());
                view! { <$page /> }.into_any()
            }
        }
    )+};
}
