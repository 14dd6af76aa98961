//! The Windows print spooler in RAW mode: the job's bytes go to a printer installed in Windows
//! (`OpenPrinterW`, `StartDocPrinterW` with the `RAW` data type, `WritePrinter`), untouched by
//! its driver. The spooler gives no way back to the printer, so a spooler printer answers no
//! status: set it up without status (then a job taken whole by the spooler counts as printed,
//! the most that can be known).
//!
//! Compiled and linted for Windows by hand (`cargo clippy -p comanda-print --target
//! x86_64-pc-windows-gnu`; CI has no Windows target) but never run: no Windows machine takes
//! part in these tests. The crate's only `unsafe` is in this file: the spooler has no safe
//! binding.

#![allow(unsafe_code)]

/// A name as Windows takes it: UTF-16, ending in a NUL.
pub fn wide(s: &str) -> Vec<u16> {
    s.encode_utf16().chain(std::iter::once(0)).collect()
}

#[cfg(windows)]
pub(crate) use imp::SpoolerLink;

#[cfg(windows)]
mod imp {
    use std::io;
    use std::time::Duration;

    use windows_sys::Win32::Graphics::Printing::{
        ClosePrinter, DOC_INFO_1W, EndDocPrinter, EndPagePrinter, OpenPrinterW, PRINTER_HANDLE,
        StartDocPrinterW, StartPagePrinter, WritePrinter,
    };

    use super::wide;
    use crate::transport::Link;

    /// A printer installed in Windows, by its name; each write is one spooler job.
    pub(crate) struct SpoolerLink {
        name: Vec<u16>,
    }

    impl SpoolerLink {
        /// Checks the printer exists, and keeps its name.
        pub(crate) fn open(name: &str) -> io::Result<SpoolerLink> {
            let link = SpoolerLink { name: wide(name) };
            drop(Handle::open(&link.name)?);
            Ok(link)
        }
    }

    /// An open printer handle, closed when dropped.
    struct Handle(PRINTER_HANDLE);

    impl Handle {
        fn open(name: &[u16]) -> io::Result<Handle> {
            let mut h = PRINTER_HANDLE::default();
            // SAFETY: `name` is NUL-terminated UTF-16 that outlives the call; `h` is written.
            let ok = unsafe { OpenPrinterW(name.as_ptr(), &mut h, std::ptr::null()) };
            if ok == 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(Handle(h))
        }
    }

    impl Drop for Handle {
        fn drop(&mut self) {
            // SAFETY: the handle came from OpenPrinterW and is closed once.
            unsafe { ClosePrinter(self.0) };
        }
    }

    impl Link for SpoolerLink {
        fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
            let h = Handle::open(&self.name)?;
            let mut doc_name = wide("Comanda");
            let mut data_type = wide("RAW");
            let info = DOC_INFO_1W {
                pDocName: doc_name.as_mut_ptr(),
                pOutputFile: std::ptr::null_mut(),
                pDatatype: data_type.as_mut_ptr(),
            };
            // SAFETY: the strings outlive the call; the handle is open.
            if unsafe { StartDocPrinterW(h.0, 1, &info) } == 0 {
                return Err(io::Error::last_os_error());
            }
            // SAFETY: as above; a document was started on this handle.
            let result = (|| {
                if unsafe { StartPagePrinter(h.0) } == 0 {
                    return Err(io::Error::last_os_error());
                }
                let mut rest = bytes;
                while !rest.is_empty() {
                    let len = rest.len().min(u32::MAX as usize) as u32;
                    let mut written = 0u32;
                    // SAFETY: `rest` holds `len` readable bytes; `written` is written.
                    let ok = unsafe { WritePrinter(h.0, rest.as_ptr().cast(), len, &mut written) };
                    if ok == 0 || written == 0 {
                        return Err(io::Error::last_os_error());
                    }
                    rest = &rest[written as usize..];
                }
                // SAFETY: a page was started on this handle.
                if unsafe { EndPagePrinter(h.0) } == 0 {
                    return Err(io::Error::last_os_error());
                }
                Ok(())
            })();
            // SAFETY: a document was started on this handle; ended once, whatever happened.
            let ended = unsafe { EndDocPrinter(h.0) };
            result?;
            if ended == 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(())
        }

        fn read_for(&mut self, _buf: &mut [u8], _timeout: Duration) -> io::Result<usize> {
            // The spooler has no way back from the printer.
            Ok(0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::wide;

    #[test]
    fn names_reach_windows_as_nul_terminated_utf16() {
        assert_eq!(
            wide("EPSON TM-T20"),
            "EPSON TM-T20\0".encode_utf16().collect::<Vec<_>>()
        );
        assert_eq!(wide("Küche €").last(), Some(&0));
        assert_eq!(wide("Küche €").len(), 8);
    }
}
