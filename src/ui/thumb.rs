//! An image from the current source, or a placeholder that says how to get images.

use crate::state::Explorer;
use leptos::prelude::*;
use real_core::ImageId;

/// A thumbnail (or a large image) of one validation image.
#[component]
pub fn Thumb(
    /// The image.
    image: ImageId,
    /// Large, for the image page.
    #[prop(optional)]
    large: bool,
) -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let class = if large { "thumb large" } else { "thumb" };
    move || {
        let data = explorer.data();
        let url = explorer.images.with(|source| source.url(&data, image));
        match url {
            Some(url) => {
                let src = url.as_str().to_string();
                // The object URL is revoked when this view goes away.
                let _keep = StoredValue::new_local(url);
                // In a row the link beside it names the image: the thumbnail adds nothing to read.
                let alt = if large { image.file_name() } else { String::new() };
                view! { <img class=class src=src loading="lazy" alt=alt data-testid="thumb" /> }.into_any()
            }
            None => view! {
                <div class=format!("{class} placeholder") title="No image source: add your validation folder, the tar, or a URL template">
                    <span aria-hidden="true">{format!("#{}", image.0)}</span>
                </div>
            }
            .into_any(),
        }
    }
}
