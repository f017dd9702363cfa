//! Where the handshake's randomness and time come from: [`SystemSource`] (the operating system's
//! random number generator and clock) in production, [`FixedSource`] in tests and test vectors.

use std::fmt;
use std::sync::Mutex;
use std::time::SystemTime;

use super::error::NtlmError;

/// Randomness and time for an NTLM handshake.
///
/// The client draws its 8-byte client challenge from [`fill_random`](NtlmSource::fill_random),
/// and reads [`now`](NtlmSource::now) when the server's CHALLENGE carries no timestamp; the
/// acceptor draws its 8-byte server challenge and stamps its target information with `now`.
pub trait NtlmSource: Send + Sync {
    /// Fills `buf` with unpredictable bytes.
    fn fill_random(&self, buf: &mut [u8]) -> Result<(), NtlmError>;
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// The operating system's random number generator (`getrandom`) and clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemSource;

impl NtlmSource for SystemSource {
    fn fill_random(&self, buf: &mut [u8]) -> Result<(), NtlmError> {
        getrandom::getrandom(buf).map_err(|e| NtlmError::Random { reason: e.to_string() })
    }

    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A deterministic source for tests: "random" bytes are read in order from a fixed sequence
/// (starting over when it runs out), and the clock stands still.
///
/// Never use it outside tests: a predictable challenge defeats NTLM.
pub struct FixedSource {
    bytes: Vec<u8>,
    next: Mutex<usize>,
    now: SystemTime,
}

impl FixedSource {
    /// Hands out `bytes` (over and over) and tells the time `now`. An empty `bytes` gives zeros.
    pub fn new(bytes: impl Into<Vec<u8>>, now: SystemTime) -> Self {
        FixedSource { bytes: bytes.into(), next: Mutex::new(0), now }
    }
}

impl fmt::Debug for FixedSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FixedSource").field("len", &self.bytes.len()).field("now", &self.now).finish()
    }
}

impl NtlmSource for FixedSource {
    fn fill_random(&self, buf: &mut [u8]) -> Result<(), NtlmError> {
        let mut next = self.next.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        for b in buf.iter_mut() {
            *b = match self.bytes.len() {
                0 => 0,
                len => {
                    let v = self.bytes[*next % len];
                    *next = (*next + 1) % len;
                    v
                }
            };
        }
        Ok(())
    }

    fn now(&self) -> SystemTime {
        self.now
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_source_cycles() {
        let s = FixedSource::new(vec![1, 2, 3], SystemTime::UNIX_EPOCH);
        let mut a = [0u8; 4];
        s.fill_random(&mut a).unwrap();
        let mut b = [0u8; 2];
        s.fill_random(&mut b).unwrap();
        assert_eq!((a, b), ([1, 2, 3, 1], [2, 3]));
        let mut z = [9u8; 2];
        FixedSource::new(Vec::new(), SystemTime::UNIX_EPOCH).fill_random(&mut z).unwrap();
        assert_eq!(z, [0, 0]);
    }

    #[test]
    fn system_source_gives_fresh_bytes() {
        let (mut a, mut b) = ([0u8; 16], [0u8; 16]);
        SystemSource.fill_random(&mut a).unwrap();
        SystemSource.fill_random(&mut b).unwrap();
        assert_ne!(a, b);
    }
}
