//! The cash drawer's kick, sent through the receipt printer's drawer port. Our own bytes: the
//! `escpos` crate's kick leaves out the two pulse times, and the printer then takes the next
//! two bytes of the job as them.

use serde::{Deserialize, Serialize};

/// Which pin of the drawer port the drawer is wired to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DrawerPin {
    /// Pin 2: the usual one.
    #[default]
    Pin2,
    /// Pin 5: a second drawer.
    Pin5,
}

impl DrawerPin {
    fn m(self) -> u8 {
        match self {
            DrawerPin::Pin2 => 0,
            DrawerPin::Pin5 => 1,
        }
    }
}

/// Which command kicks the drawer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KickCommand {
    /// `ESC p m t1 t2`: queued behind what the printer is printing.
    #[default]
    EscP,
    /// `DLE DC4 1 m t`: real time, even while the printer is busy or offline.
    DleDc4,
}

/// A drawer's kick as set up for its printer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kick {
    /// The pin.
    pub pin: DrawerPin,
    /// How long the pulse is on, in milliseconds (most drawers want 50–100).
    pub on_ms: u16,
    /// How long it is off after, in milliseconds.
    pub off_ms: u16,
    /// The command.
    pub command: KickCommand,
}

impl Default for Kick {
    fn default() -> Kick {
        Kick {
            pin: DrawerPin::Pin2,
            on_ms: 50,
            off_ms: 500,
            command: KickCommand::EscP,
        }
    }
}

impl Kick {
    /// The bytes that open the drawer.
    pub fn bytes(&self) -> Vec<u8> {
        match self.command {
            // Times in 2 ms units, 1–255.
            KickCommand::EscP => vec![
                0x1B,
                b'p',
                self.pin.m(),
                units(self.on_ms, 2, 255),
                units(self.off_ms, 2, 255),
            ],
            // One time for both, in 100 ms units, 1–8.
            KickCommand::DleDc4 => vec![0x10, 0x14, 1, self.pin.m(), units(self.on_ms, 100, 8)],
        }
    }
}

/// `ms` in units of `unit` ms, rounded up, within 1..=max.
fn units(ms: u16, unit: u16, max: u8) -> u8 {
    let n = ms.div_ceil(unit).clamp(1, u16::from(max));
    n as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kick_always_carries_its_pulse_times() {
        assert_eq!(Kick::default().bytes(), vec![0x1B, 0x70, 0, 25, 250]);
        let pin5 = Kick {
            pin: DrawerPin::Pin5,
            on_ms: 0,
            off_ms: 60_000,
            command: KickCommand::EscP,
        };
        assert_eq!(pin5.bytes(), vec![0x1B, 0x70, 1, 1, 255]);
        let realtime = Kick {
            command: KickCommand::DleDc4,
            on_ms: 250,
            ..Kick::default()
        };
        assert_eq!(realtime.bytes(), vec![0x10, 0x14, 1, 0, 3]);
    }
}
