//! Native integration tests of the evaluation core, one file per topic.

mod calibration;
mod compact;
mod compare;
mod data;
mod detect;
mod errors;
mod evidence;
mod explore;
mod export;
mod formats;
mod labels;
mod metrics;
mod parts;
mod published;
mod relabel;
mod tar;
mod util;
mod view;
