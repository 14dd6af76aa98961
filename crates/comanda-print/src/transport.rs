//! How bytes reach a printer: one trait ([`Link`]: write, read within a time) over raw TCP
//! (port 9100), serial and USB-serial ports (`serialport`, baud and flow control as settings)
//! Linux USB line-printer devices (`/dev/usb/lp*`) and, on Windows, the print spooler in RAW
//! mode ([`crate::spooler`]). A link is opened per job and every operation has a timeout, so a
//! printer that hangs never hangs its worker.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::PrintError;

/// An open connection to a printer.
pub trait Link: Send {
    /// Writes all of `bytes`, or fails (within the write timeout).
    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()>;
    /// Reads what arrives within `timeout` into `buf`; `Ok(0)` when nothing came in time. A
    /// printer that closed the connection is an error, not `Ok(0)`.
    fn read_for(&mut self, buf: &mut [u8], timeout: Duration) -> io::Result<usize>;
}

/// Serial flow control.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flow {
    /// None.
    #[default]
    None,
    /// RTS/CTS (hardware).
    RtsCts,
    /// XON/XOFF (software).
    XonXoff,
}

/// Where a printer is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Address {
    /// A network printer's raw port (9100 by convention).
    Tcp {
        /// Its host name or IP address.
        host: String,
        /// Its port.
        port: u16,
    },
    /// A serial or USB-serial port (`/dev/ttyUSB0`, `COM3`).
    Serial {
        /// The port's path.
        path: String,
        /// Baud rate (9600, 19200, 38400, 115200).
        baud: u32,
        /// Flow control.
        flow: Flow,
    },
    /// A Linux USB printer-class device (`/dev/usb/lp0`).
    UsbLp {
        /// The device's path.
        path: String,
    },
    /// A printer installed in Windows, through its spooler in RAW mode (no status: set the
    /// printer up without it).
    Spooler {
        /// The printer's name in Windows.
        name: String,
    },
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Address::Tcp { host, port } => write!(f, "tcp {host}:{port}"),
            Address::Serial { path, baud, .. } => write!(f, "serial {path} at {baud} baud"),
            Address::UsbLp { path } => write!(f, "usb {path}"),
            Address::Spooler { name } => write!(f, "windows printer {name}"),
        }
    }
}

/// How long each step may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// To connect (TCP).
    pub connect: Duration,
    /// To write a job (a slow serial printer takes seconds for a long receipt).
    pub write: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            connect: Duration::from_secs(3),
            write: Duration::from_secs(20),
        }
    }
}

/// Opens a link to the printer at `address`.
pub fn open(address: &Address, t: Timeouts) -> Result<Box<dyn Link>, PrintError> {
    let unreachable =
        |e: &dyn std::fmt::Display| PrintError::Unreachable(format!("{address}: {e}"));
    match address {
        Address::Tcp { host, port } => {
            let addrs = (host.as_str(), *port)
                .to_socket_addrs()
                .map_err(|e| unreachable(&e))?;
            let mut last = io::Error::new(io::ErrorKind::NotFound, "no address for that host");
            for a in addrs {
                match TcpStream::connect_timeout(&a, t.connect) {
                    Ok(s) => {
                        s.set_write_timeout(Some(t.write))
                            .map_err(|e| unreachable(&e))?;
                        s.set_nodelay(true).map_err(|e| unreachable(&e))?;
                        return Ok(Box::new(TcpLink(s)));
                    }
                    Err(e) => last = e,
                }
            }
            Err(unreachable(&last))
        }
        Address::Serial { path, baud, flow } => {
            let port = serialport::new(path, *baud)
                .flow_control(match flow {
                    Flow::None => serialport::FlowControl::None,
                    Flow::RtsCts => serialport::FlowControl::Hardware,
                    Flow::XonXoff => serialport::FlowControl::Software,
                })
                .timeout(t.write)
                .open()
                .map_err(|e| unreachable(&e))?;
            Ok(Box::new(SerialLink {
                port,
                write: t.write,
            }))
        }
        Address::UsbLp { path } => usb_lp(path, t).map_err(|e| unreachable(&e)),
        Address::Spooler { name } => spooler(name).map_err(|e| unreachable(&e)),
    }
}

#[cfg(windows)]
fn spooler(name: &str) -> io::Result<Box<dyn Link>> {
    Ok(Box::new(crate::spooler::SpoolerLink::open(name)?))
}

#[cfg(not(windows))]
fn spooler(_name: &str) -> io::Result<Box<dyn Link>> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "the Windows print spooler exists on Windows only",
    ))
}

/// A raw TCP connection.
struct TcpLink(TcpStream);

impl Link for TcpLink {
    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.0.write_all(bytes)?;
        self.0.flush()
    }

    fn read_for(&mut self, buf: &mut [u8], timeout: Duration) -> io::Result<usize> {
        self.0
            .set_read_timeout(Some(timeout.max(Duration::from_millis(1))))?;
        match self.0.read(buf) {
            Ok(0) if !buf.is_empty() => Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "the printer closed the connection",
            )),
            Ok(n) => Ok(n),
            Err(e) if is_timeout(&e) => Ok(0),
            Err(e) => Err(e),
        }
    }
}

/// A serial port.
struct SerialLink {
    port: Box<dyn serialport::SerialPort>,
    write: Duration,
}

impl Link for SerialLink {
    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.port.set_timeout(self.write)?;
        self.port.write_all(bytes)?;
        self.port.flush()
    }

    fn read_for(&mut self, buf: &mut [u8], timeout: Duration) -> io::Result<usize> {
        self.port
            .set_timeout(timeout.max(Duration::from_millis(1)))?;
        match self.port.read(buf) {
            Ok(n) => Ok(n),
            Err(e) if is_timeout(&e) => Ok(0),
            Err(e) => Err(e),
        }
    }
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
    )
}

/// A USB printer-class device, opened non-blocking so a read can give up.
#[cfg(unix)]
fn usb_lp(path: &str, t: Timeouts) -> io::Result<Box<dyn Link>> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    Ok(Box::new(FileLink {
        file,
        write: t.write,
    }))
}

#[cfg(not(unix))]
fn usb_lp(_path: &str, _t: Timeouts) -> io::Result<Box<dyn Link>> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "USB line-printer devices exist on Linux only",
    ))
}

/// A device file written and read without blocking, polled until its time is up.
#[cfg(unix)]
struct FileLink {
    file: std::fs::File,
    write: Duration,
}

/// How often a device file that is not ready is tried again.
#[cfg(unix)]
const POLL: Duration = Duration::from_millis(5);

/// How many waits of [`POLL`] fit in `d` (counted, so no clock is read).
#[cfg(unix)]
fn polls(d: Duration) -> u128 {
    d.as_millis() / POLL.as_millis()
}

#[cfg(unix)]
impl Link for FileLink {
    fn write_all(&mut self, mut bytes: &[u8]) -> io::Result<()> {
        let mut waits = polls(self.write);
        while !bytes.is_empty() {
            match self.file.write(bytes) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => bytes = &bytes[n..],
                Err(e) if is_timeout(&e) && waits > 0 => {
                    waits -= 1;
                    std::thread::sleep(POLL);
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    fn read_for(&mut self, buf: &mut [u8], timeout: Duration) -> io::Result<usize> {
        let mut waits = polls(timeout);
        loop {
            match self.file.read(buf) {
                Ok(n) if n > 0 || buf.is_empty() => return Ok(n),
                Ok(_) => {}
                Err(e) if is_timeout(&e) => {}
                Err(e) => return Err(e),
            }
            if waits == 0 {
                return Ok(0);
            }
            waits -= 1;
            std::thread::sleep(POLL);
        }
    }
}
