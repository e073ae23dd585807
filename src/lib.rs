//! ReaL Explorer's web page: a thin Leptos face over `real-core`.

pub mod app;
pub mod data;
pub mod download;
pub mod evaluator;
pub mod evidence;
pub mod folders;
pub mod hub;
pub mod images;
pub mod keep;
pub mod load;
pub mod persist;
pub mod sheet;
pub mod state;
pub mod tar_index;
pub mod text;
pub mod ui;
pub mod worker;
pub mod worker_protocol;

pub use app::App;
