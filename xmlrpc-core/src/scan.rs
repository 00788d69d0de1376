//! Byte-class scans over whole inputs, 16 bytes at a time with SSE2 on x86_64 (part of the
//! x86_64 baseline, so no runtime detection), scalar elsewhere.

/// The offset of the first 16-byte block (or the scalar tail) that may hold a byte XML 1.0
/// forbids (a control other than tab, newline, carriage return) or 0xEF (the lead byte of
/// U+FFFE/U+FFFF, which the caller checks exactly). Blocks before it hold neither.
pub(crate) fn suspicious_block(bytes: &[u8], from: usize) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    {
        sse2::suspicious_block(bytes, from)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        scalar_suspicious(bytes, from)
    }
}

#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn scalar_suspicious(bytes: &[u8], from: usize) -> Option<usize> {
    bytes[from..]
        .iter()
        .position(|&b| (b < 0x20 && b != b'\t' && b != b'\n' && b != b'\r') || b == 0xEF)
        .map(|p| from + p)
}

/// Whether `bytes` holds a byte <= 0x20 (all XML whitespace is).
pub(crate) fn has_space_or_control(bytes: &[u8]) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        sse2::has_le_0x20(bytes)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        bytes.iter().any(|&b| b <= b' ')
    }
}

/// The position of the first byte at or after `from` that text escaping must look at:
/// `&`, `<`, `>`, a control (tab, newline and carriage return included) or 0xEF.
#[inline]
pub(crate) fn next_escape(bytes: &[u8], from: usize) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    {
        sse2::next_escape(bytes, from)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        scalar_escape(bytes, from)
    }
}

/// The position of the first `<`, `&` or carriage return at or after `from`: where text ends,
/// or where it needs unescaping or line-end handling.
#[inline]
pub(crate) fn next_text_stop(bytes: &[u8], from: usize) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    {
        sse2::next_text_stop(bytes, from)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        scalar_text_stop(bytes, from)
    }
}

#[inline]
fn scalar_text_stop(bytes: &[u8], from: usize) -> Option<usize> {
    bytes[from..]
        .iter()
        .position(|&b| matches!(b, b'<' | b'&' | b'\r'))
        .map(|p| from + p)
}

#[inline]
fn needs_escape(b: u8) -> bool {
    matches!(b, b'&' | b'<' | b'>' | 0..=0x1f | 0xEF)
}

#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn scalar_escape(bytes: &[u8], from: usize) -> Option<usize> {
    bytes[from..]
        .iter()
        .position(|&b| needs_escape(b))
        .map(|p| from + p)
}

#[cfg(target_arch = "x86_64")]
mod sse2 {
    #[inline]
    pub(super) fn next_text_stop(bytes: &[u8], from: usize) -> Option<usize> {
        let mut i = from;
        // SAFETY: SSE2 is part of the x86_64 baseline; loads are unaligned and in bounds.
        unsafe {
            let lt = _mm_set1_epi8(b'<' as i8);
            let amp = _mm_set1_epi8(b'&' as i8);
            let cr = _mm_set1_epi8(b'\r' as i8);
            while i + 16 <= bytes.len() {
                let v = _mm_loadu_si128(bytes.as_ptr().add(i) as *const __m128i);
                let hit = _mm_or_si128(
                    _mm_or_si128(_mm_cmpeq_epi8(v, lt), _mm_cmpeq_epi8(v, amp)),
                    _mm_cmpeq_epi8(v, cr),
                );
                let m = _mm_movemask_epi8(hit);
                if m != 0 {
                    return Some(i + m.trailing_zeros() as usize);
                }
                i += 16;
            }
        }
        super::scalar_text_stop(bytes, i)
    }

    pub(super) fn next_escape(bytes: &[u8], from: usize) -> Option<usize> {
        let mut i = from;
        // SAFETY: SSE2 is part of the x86_64 baseline; loads are unaligned and in bounds.
        unsafe {
            let amp = _mm_set1_epi8(b'&' as i8);
            let lt = _mm_set1_epi8(b'<' as i8);
            let gt = _mm_set1_epi8(b'>' as i8);
            let ef = _mm_set1_epi8(0xEFu8 as i8);
            let max_ctl = _mm_set1_epi8(0x1f);
            while i + 16 <= bytes.len() {
                let v = _mm_loadu_si128(bytes.as_ptr().add(i) as *const __m128i);
                let hit = _mm_or_si128(
                    _mm_or_si128(_mm_cmpeq_epi8(v, amp), _mm_cmpeq_epi8(v, lt)),
                    _mm_or_si128(
                        _mm_or_si128(_mm_cmpeq_epi8(v, gt), _mm_cmpeq_epi8(v, ef)),
                        _mm_cmpeq_epi8(_mm_min_epu8(v, max_ctl), v),
                    ),
                );
                let m = _mm_movemask_epi8(hit);
                if m != 0 {
                    return Some(i + m.trailing_zeros() as usize);
                }
                i += 16;
            }
        }
        super::scalar_escape(bytes, i)
    }

    use std::arch::x86_64::*;

    pub(super) fn suspicious_block(bytes: &[u8], from: usize) -> Option<usize> {
        let mut i = from;
        // SAFETY: SSE2 is part of the x86_64 baseline; loads are unaligned and in bounds
        // (`i + 16 <= bytes.len()`).
        unsafe {
            let max_ctl = _mm_set1_epi8(0x1f);
            let tab = _mm_set1_epi8(b'\t' as i8);
            let nl = _mm_set1_epi8(b'\n' as i8);
            let cr = _mm_set1_epi8(b'\r' as i8);
            let ef = _mm_set1_epi8(0xEFu8 as i8);
            let bad = |at: usize| {
                let v = _mm_loadu_si128(bytes.as_ptr().add(at) as *const __m128i);
                // v <= 0x1f, unsigned.
                let ctl = _mm_cmpeq_epi8(_mm_min_epu8(v, max_ctl), v);
                let ws = _mm_or_si128(
                    _mm_or_si128(_mm_cmpeq_epi8(v, tab), _mm_cmpeq_epi8(v, nl)),
                    _mm_cmpeq_epi8(v, cr),
                );
                _mm_or_si128(_mm_andnot_si128(ws, ctl), _mm_cmpeq_epi8(v, ef))
            };
            // Four blocks per test: documents are almost always clean.
            while i + 64 <= bytes.len() {
                let any = _mm_or_si128(
                    _mm_or_si128(bad(i), bad(i + 16)),
                    _mm_or_si128(bad(i + 32), bad(i + 48)),
                );
                if _mm_movemask_epi8(any) != 0 {
                    break;
                }
                i += 64;
            }
            while i + 16 <= bytes.len() {
                if _mm_movemask_epi8(bad(i)) != 0 {
                    return Some(i);
                }
                i += 16;
            }
        }
        super::scalar_suspicious(bytes, i)
    }

    pub(super) fn has_le_0x20(bytes: &[u8]) -> bool {
        let mut i = 0;
        // SAFETY: as above.
        unsafe {
            let space = _mm_set1_epi8(0x20);
            while i + 32 <= bytes.len() {
                let a = _mm_loadu_si128(bytes.as_ptr().add(i) as *const __m128i);
                let b = _mm_loadu_si128(bytes.as_ptr().add(i + 16) as *const __m128i);
                let la = _mm_cmpeq_epi8(_mm_min_epu8(a, space), a);
                let lb = _mm_cmpeq_epi8(_mm_min_epu8(b, space), b);
                if _mm_movemask_epi8(_mm_or_si128(la, lb)) != 0 {
                    return true;
                }
                i += 32;
            }
        }
        bytes[i..].iter().any(|&b| b <= b' ')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_byte_to_escape() {
        for len in [0, 1, 15, 16, 17, 40] {
            let clean = vec![b'a'; len];
            assert_eq!(next_escape(&clean, 0), None);
            for at in 0..len {
                for b in 0u8..=255 {
                    let mut v = clean.clone();
                    v[at] = b;
                    let want = needs_escape(b).then_some(at);
                    assert_eq!(next_escape(&v, 0), want, "{b:#x} at {at} of {len}");
                    if at > 0 {
                        assert_eq!(next_escape(&v, at), want);
                    }
                }
            }
        }
    }

    #[test]
    fn finds_every_text_stop() {
        for len in [0, 1, 15, 16, 17, 40] {
            let clean = vec![b'a'; len];
            assert_eq!(next_text_stop(&clean, 0), None);
            for at in 0..len {
                for b in 0u8..=255 {
                    let mut v = clean.clone();
                    v[at] = b;
                    let want = matches!(b, b'<' | b'&' | b'\r').then_some(at);
                    assert_eq!(next_text_stop(&v, 0), want, "{b:#x} at {at} of {len}");
                    assert_eq!(next_text_stop(&v, at), want);
                }
            }
        }
    }

    #[test]
    fn finds_every_suspicious_byte_anywhere() {
        for len in [0, 1, 15, 16, 17, 31, 32, 33, 100] {
            let clean = vec![b'a'; len];
            assert_eq!(suspicious_block(&clean, 0), None);
            assert!(!has_space_or_control(&clean));
            for at in 0..len {
                for b in [0u8, 1, 8, 11, 12, 14, 0x1f, 0xEF] {
                    let mut v = clean.clone();
                    v[at] = b;
                    let blk = suspicious_block(&v, 0).expect("found");
                    assert!(blk <= at, "{b:#x} at {at} of {len}");
                }
                for b in [b'\t', b'\n', b'\r', b' ', 0x80, 0xFF, 0xBF] {
                    let mut v = clean.clone();
                    v[at] = b;
                    assert_eq!(suspicious_block(&v, 0), None);
                }
                for b in [b'\t', b'\n', b'\r', b' ', 0] {
                    let mut v = clean.clone();
                    v[at] = b;
                    assert!(has_space_or_control(&v));
                }
            }
        }
    }
}
