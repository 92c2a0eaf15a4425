//! The case (案件): what a complaint becomes, and the rules of its life —
//! file → negotiate → mediate → decide → close — as one pure state machine.
//! The time comes in as `now`; the working-day calendar comes in as an
//! argument; nothing here touches storage.

mod draft;
mod filing;
mod input;
mod kinds;
mod machine;
mod staff;
#[cfg(test)]
mod tests;
mod view;

pub use draft::*;
pub use filing::*;
pub use input::*;
pub use kinds::*;
pub use machine::*;
pub use staff::*;
pub use view::*;
