//! A fake receipt printer of our own, on a real socket (`127.0.0.1:0`) or a real pseudo-terminal
//! (`TTYPort::pair`), scriptable to fail the ways printers do: offline, out of paper, cover
//! open, silent, never confirming, or dropping the connection mid-job. It answers `DLE EOT`
//! 1–4 and `GS r 1` from its state, the way Epson's TM printers lay them out, and keeps every
//! other byte as "the paper", which [`crate::escpos::paper`] reads back.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use comanda_print::transport::{Address, Flow};

use crate::escpos::{Token, tokens};

/// What the fake printer does wrong, set at any time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults {
    /// Offline (as if the feed button were held).
    pub offline: bool,
    /// Out of paper.
    pub paper_out: bool,
    /// Paper near its end (still prints).
    pub paper_near_end: bool,
    /// The cover is open.
    pub cover_open: bool,
    /// Answers no status request at all.
    pub silent: bool,
    /// Answers status but never `GS r` (no print confirmation).
    pub never_confirm: bool,
    /// Closes the connection once this many bytes of a job came in (TCP only).
    pub drop_after: Option<usize>,
}

#[derive(Debug, Default)]
struct Inner {
    faults: Faults,
    paper: Vec<u8>,
    drawer_open: bool,
}

/// A fake printer serving on its own thread until dropped.
pub struct FakePrinter {
    inner: Arc<Mutex<Inner>>,
    stop: Arc<AtomicBool>,
    address: Address,
    thread: Option<JoinHandle<()>>,
}

fn lock(inner: &Mutex<Inner>) -> MutexGuard<'_, Inner> {
    inner.lock().unwrap_or_else(|e| e.into_inner())
}

/// How long a read waits before the thread looks at its stop flag again.
const TICK: Duration = Duration::from_millis(20);

impl FakePrinter {
    /// A network printer on `127.0.0.1` at a free port.
    pub fn tcp() -> FakePrinter {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a port for the fake printer");
        let port = listener.local_addr().expect("its address").port();
        listener.set_nonblocking(true).expect("non-blocking accept");
        let (inner, stop) = (
            Arc::<Mutex<Inner>>::default(),
            Arc::new(AtomicBool::new(false)),
        );
        let (i2, s2) = (inner.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            while !s2.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((conn, _)) => {
                        let _ = conn.set_nonblocking(false);
                        let _ = conn.set_read_timeout(Some(TICK));
                        serve(conn, &i2, &s2, true);
                    }
                    Err(_) => std::thread::sleep(TICK),
                }
            }
        });
        FakePrinter {
            inner,
            stop,
            address: Address::Tcp {
                host: "127.0.0.1".into(),
                port,
            },
            thread: Some(thread),
        }
    }

    /// A serial printer on a pseudo-terminal: Comanda opens the path of [`Self::address`].
    #[cfg(unix)]
    pub fn serial() -> FakePrinter {
        use serialport::SerialPort;
        let (mut ours, theirs) = serialport::TTYPort::pair().expect("a pseudo-terminal pair");
        let path = theirs.name().expect("the pseudo-terminal's path");
        ours.set_timeout(TICK).expect("a read timeout");
        let (inner, stop) = (
            Arc::<Mutex<Inner>>::default(),
            Arc::new(AtomicBool::new(false)),
        );
        let (i2, s2) = (inner.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            // The other end stays open as long as we serve, so the line never hangs up.
            let _keep = theirs;
            serve(ours, &i2, &s2, false);
        });
        FakePrinter {
            inner,
            stop,
            address: Address::Serial {
                path,
                baud: 38_400,
                flow: Flow::None,
            },
            thread: Some(thread),
        }
    }

    /// Where Comanda reaches it.
    pub fn address(&self) -> Address {
        self.address.clone()
    }

    /// Changes what it does wrong.
    pub fn set(&self, f: impl FnOnce(&mut Faults)) {
        f(&mut lock(&self.inner).faults);
    }

    /// Every byte it took that was not a status request, in order.
    pub fn paper(&self) -> Vec<u8> {
        lock(&self.inner).paper.clone()
    }

    /// How many times its drawer was kicked (`ESC p` or `DLE DC4`).
    pub fn kicks(&self) -> usize {
        tokens(&self.paper())
            .iter()
            .filter(|t| matches!(t, Token::DrawerKick { .. } | Token::RealtimeKick { .. }))
            .count()
    }

    /// How many cuts it made: one per printed document.
    pub fn cuts(&self) -> usize {
        tokens(&self.paper())
            .iter()
            .filter(|t| matches!(t, Token::Cut))
            .count()
    }

    /// Whether its drawer sensor reads open (a kick opens it).
    pub fn drawer_open(&self) -> bool {
        lock(&self.inner).drawer_open
    }

    /// Pushes the drawer shut.
    pub fn close_drawer(&self) {
        lock(&self.inner).drawer_open = false;
    }
}

impl Drop for FakePrinter {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The answer to `DLE EOT n`.
fn dle_eot(n: u8, inner: &Inner) -> u8 {
    let f = &inner.faults;
    let stopped = f.offline || f.cover_open || f.paper_out;
    let mut b = 0x12;
    match n {
        1 => {
            if inner.drawer_open {
                b |= 0x04;
            }
            if stopped {
                b |= 0x08;
            }
        }
        2 => {
            if f.cover_open {
                b |= 0x04;
            }
            if f.paper_out {
                b |= 0x20;
            }
        }
        4 => {
            if f.paper_near_end || f.paper_out {
                b |= 0x0C;
            }
            if f.paper_out {
                b |= 0x60;
            }
        }
        _ => {}
    }
    b
}

/// Serves one connection until it closes, the script drops it, or the printer stops.
fn serve<C: Read + Write>(mut conn: C, inner: &Mutex<Inner>, stop: &AtomicBool, can_drop: bool) {
    let mut buf = [0u8; 4096];
    // A request split across reads waits here for its last bytes.
    let mut pending: Vec<u8> = Vec::new();
    let mut job_bytes = 0usize;
    while !stop.load(Ordering::Relaxed) {
        let n = match conn.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                continue;
            }
            Err(_) => return,
        };
        pending.extend_from_slice(&buf[..n]);
        let mut answers = Vec::new();
        let mut i = 0;
        {
            let mut st = lock(inner);
            while i < pending.len() {
                let rest = &pending[i..];
                let request = match rest {
                    [0x10, 0x04, n, ..] => Some((0x10, *n)),
                    [0x1D, b'r', n, ..] => Some((0x1D, *n)),
                    [0x10] | [0x10, 0x04] | [0x1D] | [0x1D, b'r'] => break,
                    _ => None,
                };
                match request {
                    Some((kind, n)) => {
                        if !st.faults.silent {
                            if kind == 0x10 {
                                answers.push(dle_eot(n, &st));
                            } else if !st.faults.never_confirm {
                                let f = &st.faults;
                                let mut b = 0;
                                if f.paper_near_end || f.paper_out {
                                    b |= 0x03;
                                }
                                if f.paper_out {
                                    b |= 0x0C;
                                }
                                answers.push(b);
                            }
                        }
                        i += 3;
                    }
                    None => {
                        st.paper.push(rest[0]);
                        job_bytes += 1;
                        // ESC p / DLE DC4 open the drawer.
                        if rest.starts_with(&[0x1B, b'p']) || rest.starts_with(&[0x10, 0x14]) {
                            st.drawer_open = true;
                        }
                        i += 1;
                    }
                }
                if can_drop && st.faults.drop_after.is_some_and(|limit| job_bytes >= limit) {
                    return;
                }
            }
        }
        pending.drain(..i);
        if !answers.is_empty() && conn.write_all(&answers).is_err() {
            return;
        }
    }
}
