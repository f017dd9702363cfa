//! proptest strategies for the EWS types, one file per area.
#![allow(dead_code)]

pub mod base;
pub mod calendar;
pub mod contact;
pub mod envelope;
pub mod ops_folders;
pub mod ops_items;
pub mod shapes;
