//! The same receipts, tickets and drawer kicks sent over TCP to a real third-party emulator,
//! `emupos` (PyPI, an Epson TM-T20III profile): its own decoding of our bytes must read as our
//! receipt, `€` included; its drawer must open on our kick; and its faults must stop our job
//! with the reason, then let it print exactly once when cleared.
//!
//! `cargo xtask test` makes the emulator's virtual environment (it needs Python 3.13 or newer,
//! e.g. under pyenv) and passes its path in `COMANDA_EMUPOS`. Without it this test fails and
//! says so: a check that quietly skips is no check.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use comanda_print::docs::Banner;
use comanda_print::drawer::Kick;
use comanda_print::job::{Asked, Handshake, Outcome, ask_status, send};
use comanda_print::status::{OpenLevel, Problem};
use comanda_print::transport::{Address, Timeouts, open};
use comanda_print::{CodePage, Paper, Profile, render};

use crate::fixtures;

/// A running emupos with one printer, stopped when dropped.
struct Emupos {
    bin: PathBuf,
    api: String,
    printer: Address,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for Emupos {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

impl Emupos {
    fn start() -> Emupos {
        let bin = std::env::var_os("COMANDA_EMUPOS")
            .map(PathBuf::from)
            .expect(
                "COMANDA_EMUPOS must name the emupos binary: `cargo xtask test` installs it in a \
             virtual environment (it needs Python 3.13 or newer, e.g. under pyenv)",
            );
        assert!(
            bin.exists(),
            "COMANDA_EMUPOS={} does not exist",
            bin.display()
        );
        let dir = tempfile::tempdir().unwrap();
        let (api_port, printer_port) = (free_port(), free_port());
        let config = format!(
            "schema: 1\napi: {{ host: 127.0.0.1, port: {api_port} }}\ndevices:\n  - id: front\n    \
             type: printer\n    profile: epson-tm-t20iii\n    connections:\n      - tcp: {{ host: \
             127.0.0.1, port: {printer_port} }}\n    job_idle_timeout_ms: 300\n    \
             receipts_dir: ./receipts\n"
        );
        std::fs::write(dir.path().join("emupos.yaml"), config).unwrap();
        let log = std::fs::File::create(dir.path().join("emupos.log")).unwrap();
        let child = Command::new(&bin)
            .args(["run", "--config", "emupos.yaml"])
            .current_dir(dir.path())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start emupos");
        let emu = Emupos {
            bin,
            api: format!("http://127.0.0.1:{api_port}"),
            printer: Address::Tcp {
                host: "127.0.0.1".into(),
                port: printer_port,
            },
            child,
            _dir: dir,
        };
        for _ in 0..300 {
            if std::net::TcpStream::connect(("127.0.0.1", printer_port)).is_ok()
                && std::net::TcpStream::connect(("127.0.0.1", api_port)).is_ok()
            {
                return emu;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("emupos did not start: {}", emu.log());
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self._dir.path().join("emupos.log")).unwrap_or_default()
    }

    /// Runs an emupos command against this simulator and returns what it printed.
    fn cli(&self, args: &[&str]) -> String {
        let out = Command::new(&self.bin)
            .arg("--api")
            .arg(&self.api)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("run emupos");
        assert!(
            out.status.success(),
            "emupos {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn receipts(&self) -> Vec<serde_json::Value> {
        let list: serde_json::Value =
            serde_json::from_str(&self.cli(&["receipt", "list", "--json"])).unwrap();
        list.as_array().cloned().unwrap_or_default()
    }

    /// Waits until emupos has completed `n` receipts, and returns the latest one's text.
    fn latest_text(&self, n: usize) -> String {
        for _ in 0..100 {
            if self.receipts().len() >= n {
                let shown: serde_json::Value =
                    serde_json::from_str(&self.cli(&["receipt", "show", "--json"])).unwrap();
                return shown["text"].as_str().unwrap_or_default().to_string();
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("emupos completed no receipt {n}: {}", self.log());
    }

    fn send(&self, bytes: &[u8]) -> Outcome {
        let mut link = open(&self.printer, Timeouts::default()).unwrap();
        send(link.as_mut(), bytes, &Handshake::default())
    }
}

fn bytes(doc: &comanda_print::docs::Document, page: CodePage, reprint: bool) -> Vec<u8> {
    let profile = Profile::new(Paper::Mm80, page);
    render(&doc.layout(&profile, reprint), &profile)
        .unwrap()
        .bytes
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn emupos_reads_our_receipts_tickets_drawer_and_faults() {
    let emu = Emupos::start();
    // A receipt in CP858: the emulator decodes € from 0xD5 and the accents from their bytes.
    assert_eq!(
        emu.send(&bytes(&fixtures::receipt(), CodePage::Cp858, false)),
        Outcome::Printed
    );
    let shown = emu.latest_text(1);
    if std::env::var_os("SHOW_EMUPOS").is_some() {
        println!("{shown}");
    }
    let text = squeeze(&shown);
    for expected in [
        "Café Comanda",
        "12 Rue des Écoles",
        "Order 2-0042",
        "2 Cheeseburger € 25.00",
        "Extra cheese € 1.50",
        "Crème brûlée",
        "TOTAL € 38.75",
        "Change € 1.25",
        "Merci et à bientôt !",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} not in emupos's receipt: {text}"
        );
    }

    // The same receipt in CP1252 (€ is 0x80 there).
    assert_eq!(
        emu.send(&bytes(&fixtures::receipt(), CodePage::Cp1252, false)),
        Outcome::Printed
    );
    let text = squeeze(&emu.latest_text(2));
    assert!(text.contains("TOTAL € 38.75"), "{text}");

    // A kitchen ticket reprinted after a change says both.
    let ticket = bytes(
        &fixtures::ticket(Some(Banner::Changed)),
        CodePage::Cp858,
        true,
    );
    assert_eq!(emu.send(&ticket), Outcome::Printed);
    let text = squeeze(&emu.latest_text(3));
    for expected in [
        "REPRINT",
        "CHANGED",
        "GRILL",
        "Entrecôte",
        "ALLERGY: peanuts",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} not in emupos's ticket: {text}"
        );
    }

    // The drawer opens on our kick, and the status we read says so.
    assert_eq!(emu.send(&Kick::default().bytes()), Outcome::Printed);
    let mut opened = false;
    for _ in 0..50 {
        let mut link = open(&emu.printer, Timeouts::default()).unwrap();
        if let Asked::Answered(s) = ask_status(link.as_mut(), &Handshake::default()).unwrap()
            && s.drawer_open(OpenLevel::High)
        {
            opened = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        opened,
        "emupos's drawer did not open: {}",
        emu.cli(&["devices"])
    );
    assert!(
        emu.cli(&["devices"]).contains("drawer open"),
        "{}",
        emu.cli(&["devices"])
    );

    // Paper out: our job is not sent, and says why; cleared, it prints once.
    let before = emu.receipts().len();
    emu.cli(&["fault", "set", "front", "paper-out"]);
    match emu.send(&bytes(&fixtures::receipt(), CodePage::Cp858, false)) {
        Outcome::NotSent { problem, .. } => assert_eq!(problem, Problem::PaperOut),
        other => panic!("with paper out: {other:?}"),
    }
    emu.cli(&["fault", "set", "front", "cover-open"]);
    emu.cli(&["fault", "clear", "front", "paper-out"]);
    match emu.send(&bytes(&fixtures::receipt(), CodePage::Cp858, false)) {
        Outcome::NotSent { problem, .. } => assert_eq!(problem, Problem::CoverOpen),
        other => panic!("with the cover open: {other:?}"),
    }
    emu.cli(&["fault", "clear", "front", "cover-open"]);
    assert_eq!(
        emu.send(&bytes(&fixtures::receipt(), CodePage::Cp858, false)),
        Outcome::Printed
    );
    let _ = emu.latest_text(before + 1);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        emu.receipts().len(),
        before + 1,
        "printed exactly once after the faults"
    );
}
