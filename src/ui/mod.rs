//! Page components, a file (or folder) per feature.

mod cases;
pub(crate) mod chips;
mod compare;
mod drop_zone;
mod evidence;
mod export;
mod facts;
mod image_evidence;
mod image_page;
mod image_source;
mod label_sets;
mod leaderboard;
mod link;
mod nav;
mod pairs;
mod per_class;
mod published;
mod reliability;
pub mod results;
mod thumb;
mod workspace;

pub use cases::CasesPage;
pub use compare::ComparePage;
pub use drop_zone::DropZone;
pub use evidence::{EvidencePanel, ThresholdControl};
pub use facts::DatasetFactsPanel;
pub use image_page::ImagePage;
pub use image_source::ImageSourcePanel;
pub use label_sets::LabelSetsPanel;
pub use leaderboard::LeaderboardPage;
pub use nav::{NavBar, Notices};
pub use pairs::PairsPage;
pub use published::{PublishedMap, UserModelPoint};
pub use results::ResultsPanel;
pub use workspace::{proves_labels, LabelOffer, MissingModels, Workspace};
