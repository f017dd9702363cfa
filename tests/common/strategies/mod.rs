//! proptest strategies for the EWS types, one file per area.
#![allow(dead_code)]

pub mod base;
pub mod calendar;
