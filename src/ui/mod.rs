//! Page components, one file each.

mod drop_zone;
mod facts;
mod results;

pub use drop_zone::DropZone;
pub use facts::DatasetFactsPanel;
pub use results::ResultsPanel;
