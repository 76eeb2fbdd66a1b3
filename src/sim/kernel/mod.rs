//! What every family's engine shares: simulated time, the run's seeded
//! generator, traffic generators, a radix sort, MD5 and decimal text.

pub mod md5;
pub mod num;
pub mod rng;
pub mod slices;
pub mod sort;
pub mod time;
pub mod traffic;
