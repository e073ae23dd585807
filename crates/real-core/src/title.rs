//! The document title of a view: what a tab, a bookmark or a screen reader announces.

use crate::cases::CaseFilter;
use crate::view::{Page, View};

/// The page's title for a view, most specific first: "Image #42 · Cases · ReaL Explorer".
/// `model` is the model on screen, when one is loaded.
pub fn title(view: &View, model: Option<&str>) -> String {
    let page = match view.page {
        Page::Overview => "Overview",
        Page::Cases => "Cases",
        Page::Image => "Image",
        Page::Pairs => "Duplicate pairs",
        Page::Multi => "Multi-object images",
        Page::Leaderboard => "Leaderboard",
        Page::Compare => "Compare",
        Page::Published => "Published models",
    };
    let mut parts = Vec::new();
    match (view.page, view.image) {
        (Page::Image, Some(image)) => parts.push(format!("Image #{}", image.0)),
        (Page::Cases | Page::Multi, _) if view.filter != CaseFilter::default() => {
            parts.push(format!("{page} (filtered)"))
        }
        _ => parts.push(page.to_string()),
    }
    if let Some(model) = model.filter(|m| !m.is_empty()) {
        parts.push(model.to_string());
    }
    parts.push("ReaL Explorer".into());
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::ImageId;

    #[test]
    fn names_the_page_the_image_and_the_model() {
        let mut view = View::default();
        assert_eq!(title(&view, None), "Overview · ReaL Explorer");
        view.page = Page::Image;
        view.image = Some(ImageId(42));
        assert_eq!(
            title(&view, Some("resnet50.npy")),
            "Image #42 · resnet50.npy · ReaL Explorer"
        );
        view.page = Page::Cases;
        view.image = None;
        view.filter.original_not_in_real = true;
        assert_eq!(title(&view, Some("")), "Cases (filtered) · ReaL Explorer");
        view.page = Page::Pairs;
        assert_eq!(title(&view, None), "Duplicate pairs · ReaL Explorer");
    }
}
