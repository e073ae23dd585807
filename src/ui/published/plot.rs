//! The scatter itself, drawn as SVG by the page: axes, the ReaL = original line, a circle per
//! published model, the user's models on top with their names, and rings on the hovered and
//! selected points.
//!
//! Published circles carry no handlers and no tabindex: the pointer finds the nearest point
//! from one handler on the whole plot (small circles are hard to hit), and keyboard users
//! reach them through the list beside the plot instead of 1,556 tab stops.

use super::{Focus, Pick, UserModelPoint};
use leptos::ev::MouseEvent;
use leptos::prelude::*;
use real_core::published::{self, PublishedModel, Region};
use std::sync::Arc;
use wasm_bindgen::JsCast;

/// Margins around the plotting area, in SVG units (CSS pixels: the view box follows the
/// plot's measured width so text keeps its size on a phone).
const LEFT: f64 = 48.0;
const RIGHT: f64 = 14.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 42.0;

/// How close (in pixels) the pointer must be to a point to pick it.
const REACH_PUBLISHED: f64 = 10.0;
const REACH_USER: f64 = 14.0;

/// The plot's size and the data range it shows.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Frame {
    width: f64,
    height: f64,
    region: Region,
}

impl Frame {
    fn inner_width(&self) -> f64 {
        self.width - LEFT - RIGHT
    }

    fn inner_height(&self) -> f64 {
        self.height - TOP - BOTTOM
    }

    /// Original top-1 (percent) to a horizontal position.
    fn x(&self, original: f64) -> f64 {
        let r = self.region;
        LEFT + (original - r.x_min) / (r.x_max - r.x_min).max(1e-9) * self.inner_width()
    }

    /// ReaL top-1 (percent) to a vertical position (up is higher).
    fn y(&self, real: f64) -> f64 {
        let r = self.region;
        TOP + self.inner_height()
            - (real - r.y_min) / (r.y_max - r.y_min).max(1e-9) * self.inner_height()
    }

    /// Where a name goes beside a point: on the side with more room.
    fn label_anchor(&self, px: f64) -> (f64, &'static str) {
        if px > LEFT + self.inner_width() * 0.55 {
            (px - 10.0, "end")
        } else {
            (px + 10.0, "start")
        }
    }
}

/// Whole percentages print bare, finer ticks with one decimal.
fn tick_label(value: f64) -> String {
    if (value - value.round()).abs() < 1e-9 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

/// The tooltip of a published point.
fn published_title(m: &PublishedModel) -> String {
    format!(
        "{} ({} px): original top-1 {:.3}%, ReaL top-1 {:.3}%",
        m.name, m.img_size, m.original_top1, m.real_top1
    )
}

/// The tooltip and accessible name of a user's point.
fn user_title(u: &UserModelPoint) -> String {
    let (x, y) = u.percent();
    format!(
        "{}: original top-1 {x:.2}%, ReaL top-1 {y:.2}%{}",
        u.name,
        if u.partial {
            " (over some images only)"
        } else {
            ""
        }
    )
}

/// The scatter.
#[component]
pub(super) fn Plot(
    /// The published models, in file order.
    published: Arc<Vec<PublishedModel>>,
    /// The user's models.
    models: Signal<Vec<UserModelPoint>>,
    /// The data range on screen.
    region: Memo<Region>,
    /// Hover and selection, shared with the list and the detail box.
    focus: Focus,
) -> impl IntoView {
    let wrapper = NodeRef::<leptos::html::Div>::new();
    let width = RwSignal::new(640.0);
    let measure = move || {
        if let Some(element) = wrapper.get_untracked() {
            let measured = f64::from(element.client_width());
            if measured > 0.0 && (measured - width.get_untracked()).abs() >= 1.0 {
                width.set(measured);
            }
        }
    };
    Effect::new(move |_| {
        if wrapper.get().is_some() {
            measure();
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());
    let frame = Memo::new(move |_| {
        let width = width.get().clamp(240.0, 1400.0);
        Frame {
            width,
            height: (width * 0.66).clamp(280.0, 520.0),
            region: region.get(),
        }
    });

    let axes = move || {
        let f = frame.get();
        let r = f.region;
        let (left, right) = (LEFT, LEFT + f.inner_width());
        let (top, bottom) = (TOP, TOP + f.inner_height());
        let x_ticks = published::ticks(r.x_min, r.x_max, (f.inner_width() / 60.0) as usize);
        let y_ticks = published::ticks(r.y_min, r.y_max, (f.inner_height() / 40.0) as usize);
        let vertical = x_ticks
            .into_iter()
            .map(|t| {
                let x = f.x(t);
                view! {
                    <line class="grid" x1=x x2=x y1=top y2=bottom />
                    <text class="tick" x=x y=bottom + 16.0 text-anchor="middle">{tick_label(t)}</text>
                }
            })
            .collect_view();
        let horizontal = y_ticks
            .into_iter()
            .map(|t| {
                let y = f.y(t);
                view! {
                    <line class="grid" x1=left x2=right y1=y y2=y />
                    <text class="tick" x=left - 6.0 y=y + 4.0 text-anchor="end">{tick_label(t)}</text>
                }
            })
            .collect_view();
        let middle_y = (top + bottom) / 2.0;
        view! {
            <rect class="plot-area" x=left y=top width=f.inner_width() height=f.inner_height() />
            {vertical}
            {horizontal}
            <text class="axis-title" x=(left + right) / 2.0 y=f.height - 6.0 text-anchor="middle">
                "Original top-1 (%)"
            </text>
            <text
                class="axis-title"
                x=14.0
                y=middle_y
                text-anchor="middle"
                transform=format!("rotate(-90 14 {middle_y})")
            >
                "ReaL top-1 (%)"
            </text>
        }
    };

    // ReaL = original, where it crosses the view.
    let diagonal = move || {
        let f = frame.get();
        let r = f.region;
        let low = r.x_min.max(r.y_min);
        let high = r.x_max.min(r.y_max);
        (high > low).then(|| {
            let (x1, y1, x2, y2) = (f.x(low), f.y(low), f.x(high), f.y(high));
            let length = (x2 - x1).hypot(y2 - y1);
            let angle = (y2 - y1).atan2(x2 - x1).to_degrees();
            // Named only where there is room for the words.
            let label = (length > 140.0).then(|| {
                // Just short of the upper end, set off below the line, so the words stay
                // clear of both the line and the plot's edge.
                let (ux, uy) = ((x2 - x1) / length, (y2 - y1) / length);
                let (lx, ly) = (x2 - 10.0 * ux - 12.0 * uy, y2 - 10.0 * uy + 12.0 * ux);
                view! {
                    <text
                        class="diagonal-label"
                        x=lx
                        y=ly
                        text-anchor="end"
                        transform=format!("rotate({angle:.1} {lx:.1} {ly:.1})")
                    >
                        "ReaL = original"
                    </text>
                }
            });
            view! {
                <line class="diagonal" x1=x1 y1=y1 x2=x2 y2=y2 />
                {label}
            }
        })
    };

    let points = {
        let published = published.clone();
        move || {
            let f = frame.get();
            published
                .iter()
                .map(|m| {
                    view! {
                        <circle
                            class="published-point"
                            data-testid="published-point"
                            data-model=m.name.clone()
                            cx=format!("{:.1}", f.x(m.original_top1))
                            cy=format!("{:.1}", f.y(m.real_top1))
                            r="3"
                        >
                            <title>{published_title(m)}</title>
                        </circle>
                    }
                })
                .collect_view()
        }
    };

    // Rings and names on the selected and hovered published points.
    let marks = {
        let published = published.clone();
        move || {
            let f = frame.get();
            let selected = focus.selected.get();
            let hovered = focus.hovered.get();
            let mut picks = Vec::new();
            if let Some(Pick::Published(i)) = selected {
                picks.push((i, "ring selected"));
            }
            if let Some(Pick::Published(i)) = hovered {
                if hovered != selected {
                    picks.push((i, "ring"));
                }
            }
            picks
                .into_iter()
                .filter_map(|(i, class)| published.get(i).map(|m| (m, class)))
                .map(|(m, class)| {
                    let (px, py) = (f.x(m.original_top1), f.y(m.real_top1));
                    let (lx, anchor) = f.label_anchor(px);
                    view! {
                        <circle class=class cx=px cy=py r="7" data-testid="published-ring" />
                        <text class="point-label published-label" x=lx y=py - 8.0 text-anchor=anchor>
                            {m.name.clone()}
                        </text>
                    }
                })
                .collect_view()
        }
    };

    let users = move || {
        let f = frame.get();
        models
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, u)| {
                let (x, y) = u.percent();
                let (px, py) = (f.x(x), f.y(y));
                let (lx, anchor) = f.label_anchor(px);
                let title = user_title(&u);
                let accessible_name = title.clone();
                view! {
                    <g
                        class="user-point"
                        class:hollow=u.partial
                        tabindex="0"
                        role="img"
                        aria-label=accessible_name
                        data-testid="model-point"
                        data-model=u.name.clone()
                        on:focus=move |_| focus.hovered.set(Some(Pick::User(i)))
                        on:blur=move |_| focus.hovered.set(None)
                    >
                        <title>{title}</title>
                        <circle class="user-dot" cx=px cy=py r="6.5" />
                        <text class="point-label user-label" x=lx y=py + 4.5 text-anchor=anchor>
                            {u.name.clone()}
                        </text>
                    </g>
                }
            })
            .collect_view()
    };

    // The point nearest the pointer: the user's models first, then published ones in view.
    let nearest = {
        let published = published.clone();
        move |ev: &MouseEvent| -> Option<Pick> {
            let svg = ev
                .current_target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())?;
            let rect = svg.get_bounding_client_rect();
            if rect.width() <= 0.0 || rect.height() <= 0.0 {
                return None;
            }
            let f = frame.get_untracked();
            let vx = (f64::from(ev.client_x()) - rect.left()) * f.width / rect.width();
            let vy = (f64::from(ev.client_y()) - rect.top()) * f.height / rect.height();
            let distance = |x: f64, y: f64| (f.x(x) - vx).hypot(f.y(y) - vy);
            let closest = |candidates: &mut dyn Iterator<Item = (usize, f64)>, reach: f64| {
                candidates
                    .filter(|(_, d)| *d <= reach)
                    .min_by(|a, b| a.1.total_cmp(&b.1))
                    .map(|(i, _)| i)
            };
            let user = models.with_untracked(|m| {
                closest(
                    &mut m.iter().enumerate().map(|(i, u)| {
                        let (x, y) = u.percent();
                        (i, distance(x, y))
                    }),
                    REACH_USER,
                )
            });
            if let Some(i) = user {
                return Some(Pick::User(i));
            }
            closest(
                &mut published
                    .iter()
                    .enumerate()
                    .filter(|(_, m)| f.region.contains(m.original_top1, m.real_top1))
                    .map(|(i, m)| (i, distance(m.original_top1, m.real_top1))),
                REACH_PUBLISHED,
            )
            .map(Pick::Published)
        }
    };
    let nearest_on_click = nearest.clone();

    view! {
        <div class="plot-wrap" node_ref=wrapper>
            <svg
                class="published-map"
                data-testid="published-map"
                viewBox=move || {
                    let f = frame.get();
                    format!("0 0 {:.0} {:.0}", f.width, f.height)
                }
                width="100%"
                role="group"
                aria-label="Original top-1 against ReaL top-1 of the published models and yours"
                on:mousemove=move |ev: MouseEvent| {
                    let pick = nearest(&ev);
                    if focus.hovered.get_untracked() != pick {
                        focus.hovered.set(pick);
                    }
                }
                on:mouseleave=move |_| focus.hovered.set(None)
                on:click=move |ev: MouseEvent| focus.selected.set(nearest_on_click(&ev))
            >
                <defs>
                    <clipPath id="published-clip">
                        <rect
                            x=LEFT
                            y=TOP
                            width=move || frame.get().inner_width()
                            height=move || frame.get().inner_height()
                        />
                    </clipPath>
                </defs>
                {axes}
                <g clip-path="url(#published-clip)">
                    {diagonal}
                    <g class="published-points">{points}</g>
                </g>
                {marks}
                {users}
            </svg>
        </div>
    }
}
