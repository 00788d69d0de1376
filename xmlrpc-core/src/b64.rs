//! Fast, strict base64 decoding: XML whitespace anywhere is skipped, the bulk is decoded with
//! AVX2 on x86_64 CPUs that have it, and the tail (padding, the last quantum, any invalid
//! byte) goes through the `base64` crate's strict engine, which also produces the errors.

use base64::Engine;

use crate::scalar::{is_ws, BASE64};
use crate::{Error, ErrorKind};

/// Copies `text` without XML whitespace into `out` (cleared first).
fn compact(text: &[u8], out: &mut Vec<u8>) {
    out.clear();
    out.reserve(text.len());
    let mut rest = text;
    while let Some(p) = memchr::memchr3(b'\n', b'\r', b' ', rest) {
        out.extend_from_slice(&rest[..p]);
        rest = &rest[p + 1..];
    }
    out.extend_from_slice(rest);
    if out.contains(&b'\t') {
        out.retain(|&b| !is_ws(b));
    }
}

fn invalid() -> Error {
    Error::new(ErrorKind::Type, "invalid base64 data")
}

/// Decodes base64 `text` into `out` (cleared first); `tmp` is a scratch buffer for removing
/// whitespace.
pub(crate) fn decode(text: &[u8], out: &mut Vec<u8>, tmp: &mut Vec<u8>) -> Result<(), Error> {
    let clean: &[u8] = if crate::scan::has_space_or_control(text) {
        compact(text, tmp);
        tmp
    } else {
        text
    };
    decode_clean(clean, out)
}

/// Decodes base64 without whitespace into `out` (cleared first).
fn decode_clean(clean: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
    out.clear();
    #[allow(unused_mut)]
    let mut done_in = 0;
    #[allow(unused_mut)]
    let mut done_out = 0;
    #[cfg(target_arch = "x86_64")]
    {
        if clean.len() >= 64 && std::is_x86_feature_detected!("avx2") {
            // Room for the whole output plus the 8 bytes each 24-byte step over-writes.
            out.reserve(clean.len() / 4 * 3 + 32);
            // SAFETY: AVX2 is available; `decode_bulk` writes at most
            // `clean.len() / 4 * 3 + 8` bytes (24 per 32 input bytes, each store 32 wide),
            // within the capacity reserved above, and reports how many it initialised.
            let (i, o) = unsafe { avx2::decode_bulk(clean, out.as_mut_ptr()) };
            // SAFETY: the first `o` bytes were written by `decode_bulk`.
            unsafe { out.set_len(o) };
            done_in = i;
            done_out = o;
        }
    }
    let tail = &clean[done_in..];
    out.resize(done_out + base64::decoded_len_estimate(tail.len()), 0);
    match BASE64.decode_slice(tail, &mut out[done_out..]) {
        Ok(n) => {
            out.truncate(done_out + n);
            Ok(())
        }
        Err(_) => {
            out.clear();
            Err(invalid())
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    /// Decodes whole 32-byte blocks of valid base64 (no padding) from `src` into `dst`,
    /// stopping at the first block holding anything else; returns (bytes read, bytes
    /// written). Each step stores 32 bytes of which 24 are output: `dst` must have room for
    /// `src.len() / 4 * 3 + 8` bytes. (Muła and Lemire, "Faster Base64 Encoding and
    /// Decoding using AVX2 Instructions".)
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn decode_bulk(src: &[u8], dst: *mut u8) -> (usize, usize) {
        let lut_lo = _mm256_setr_epi8(
            0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B,
            0x1B, 0x1A, 0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1A,
            0x1B, 0x1B, 0x1B, 0x1A,
        );
        let lut_hi = _mm256_setr_epi8(
            0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
            0x10, 0x10, 0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10,
            0x10, 0x10, 0x10, 0x10,
        );
        let lut_roll = _mm256_setr_epi8(
            0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 19, 4, -65, -65, -71,
            -71, 0, 0, 0, 0, 0, 0, 0, 0,
        );
        let mask_2f = _mm256_set1_epi8(0x2f);
        let merge_ab_bc = _mm256_set1_epi32(0x0140_0140);
        let merge_abc = _mm256_set1_epi32(0x0001_1000);
        let pack = _mm256_setr_epi8(
            2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1, 2, 1, 0, 6, 5, 4, 10, 9, 8, 14,
            13, 12, -1, -1, -1, -1,
        );
        let lanes = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 7, 7);
        let mut i = 0;
        let mut o = 0;
        while src.len() - i >= 32 {
            let s = _mm256_loadu_si256(src.as_ptr().add(i) as *const __m256i);
            let hi_nibbles = _mm256_and_si256(_mm256_srli_epi32(s, 4), mask_2f);
            let lo_nibbles = _mm256_and_si256(s, mask_2f);
            let hi = _mm256_shuffle_epi8(lut_hi, hi_nibbles);
            let lo = _mm256_shuffle_epi8(lut_lo, lo_nibbles);
            if _mm256_testz_si256(lo, hi) == 0 {
                break;
            }
            let eq_2f = _mm256_cmpeq_epi8(s, mask_2f);
            let roll = _mm256_shuffle_epi8(lut_roll, _mm256_add_epi8(eq_2f, hi_nibbles));
            let v = _mm256_add_epi8(s, roll);
            let merged = _mm256_maddubs_epi16(v, merge_ab_bc);
            let packed = _mm256_madd_epi16(merged, merge_abc);
            let shuffled = _mm256_shuffle_epi8(packed, pack);
            let out = _mm256_permutevar8x32_epi32(shuffled, lanes);
            _mm256_storeu_si256(dst.add(o) as *mut __m256i, out);
            i += 32;
            o += 24;
        }
        (i, o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(data: &[u8]) {
        let text = BASE64.encode(data);
        let mut out = Vec::new();
        let mut tmp = Vec::new();
        decode(text.as_bytes(), &mut out, &mut tmp).unwrap();
        assert_eq!(out, data, "len {}", data.len());
        // With Python-style line breaks every 76 characters.
        let wrapped: Vec<u8> = text
            .as_bytes()
            .chunks(76)
            .flat_map(|c| c.iter().copied().chain(std::iter::once(b'\n')))
            .collect();
        decode(&wrapped, &mut out, &mut tmp).unwrap();
        assert_eq!(out, data);
    }

    #[test]
    fn round_trips_all_lengths() {
        let data: Vec<u8> = (0..2000u32).map(|i| (i * 7919 % 256) as u8).collect();
        for n in (0..200).chain([255, 256, 257, 1000, 1999, 2000]) {
            check(&data[..n]);
        }
        let all: Vec<u8> = (0..=255u8).cycle().take(3 * 256).collect();
        check(&all);
    }

    #[test]
    fn rejects_every_bad_byte_in_the_bulk() {
        let text = BASE64.encode([0x5Au8; 300]);
        let mut out = Vec::new();
        let mut tmp = Vec::new();
        for bad in (0u8..=255).filter(|b| {
            !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b' ' | b'\t' | b'\n' | b'\r'))
        }) {
            for at in [0, 5, 31, 32, 100, 250] {
                let mut t = text.clone().into_bytes();
                t[at] = bad;
                assert!(
                    decode(&t, &mut out, &mut tmp).is_err(),
                    "byte {bad:#x} at {at}"
                );
            }
        }
        // Padding in the middle, data after padding.
        let mut t = text.clone().into_bytes();
        t[40] = b'=';
        assert!(decode(&t, &mut out, &mut tmp).is_err());
        let padded = BASE64.encode([0x5Au8; 301]);
        assert!(padded.ends_with('='));
        let t = format!("{padded}QQ==");
        assert!(decode(t.as_bytes(), &mut out, &mut tmp).is_err());
        let t = format!("{padded}Q");
        assert!(decode(t.as_bytes(), &mut out, &mut tmp).is_err());
        let t = format!("QQ=={text}");
        assert!(decode(t.as_bytes(), &mut out, &mut tmp).is_err());
        // Whitespace anywhere, tabs included.
        let t: String = text.chars().flat_map(|c| [c, '\t']).collect();
        decode(t.as_bytes(), &mut out, &mut tmp).unwrap();
        assert_eq!(out, [0x5Au8; 300]);
    }
}
