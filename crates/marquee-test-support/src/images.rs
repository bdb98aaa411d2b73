//! Synthetic images for fixtures: what a scene's `image-ready HANDLE W H` stands for, a `W × H`
//! picture whose quadrants (red, green, blue, white) and diagonal gradient show how it was
//! scaled and cropped. Every backend's golden test draws the same ones.

use std::collections::HashMap;

use marquee_display_list::images::{Images, Pixels};

use crate::scene::Step;

/// Synthetic images by handle, each with a serial no other image in the process has (as a
/// host's are), so a backend kept across fixtures never takes one for another.
#[derive(Default)]
pub struct Synthetic(HashMap<u32, (u64, tiny_skia::Pixmap)>);

static SERIALS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl Synthetic {
    /// The images a script answers `image-ready` for (those the engine refused too: they are
    /// never drawn).
    pub fn from_steps(steps: &[Step]) -> Synthetic {
        let mut images = Synthetic::default();
        for step in steps {
            if let Step::Image(handle, Ok((w, h))) = step {
                images.make(*handle, *w, *h);
            }
        }
        images
    }

    /// Makes image `handle`, `width × height`.
    pub fn make(&mut self, handle: u32, width: u32, height: u32) {
        let Some(mut p) = tiny_skia::Pixmap::new(width, height) else { return };
        for y in 0..height {
            for x in 0..width {
                let quadrant = [[255, 0, 0], [0, 160, 0], [0, 0, 255], [255, 255, 255]]
                    [usize::from(x >= width / 2) + 2 * usize::from(y >= height / 2)];
                let shade = (x + y) as f32 / (width + height) as f32;
                let c = quadrant.map(|v: u32| (v as f32 * (0.5 + shade / 2.0)) as u8);
                let i = (y * width + x) as usize * 4;
                p.data_mut()[i..i + 4].copy_from_slice(&[c[0], c[1], c[2], 255]);
            }
        }
        self.0.insert(handle, (SERIALS.fetch_add(1, std::sync::atomic::Ordering::Relaxed), p));
    }

    /// Drops image `handle`, as a host drops a released image.
    pub fn remove(&mut self, handle: u32) {
        self.0.remove(&handle);
    }
}

impl Images for Synthetic {
    fn image(&self, handle: u32) -> Option<Pixels<'_>> {
        self.0.get(&handle).map(|(_, p)| Pixels { width: p.width(), height: p.height(), data: p.data() })
    }

    fn serial(&self, handle: u32) -> Option<u64> {
        self.0.get(&handle).map(|(serial, _)| *serial)
    }
}

/// What `crates/marquee-host/tests/apps/images` must say, whichever host runs it: one image that
/// loads and one failing each way a device meets, with the protocol's reason.
pub const IMAGES_APP_SAYS: [&str; 8] = [
    "loaded assets/photo.jpg 32x24",
    "failed assets/corrupt.png corrupt",
    "failed assets/truncated.jpg corrupt",
    "failed assets/bomb.png too-many-pixels",
    "failed http://127.0.0.1:1/poster.jpg unreachable",
    "failed assets/missing.png not-found",
    "failed ../outside.png bad-source",
    "failed assets/text.png unsupported",
];

/// The placeholder colours the failed images of that app keep, in order; image `k + 1` is drawn
/// at x = 64 (k + 1).
pub const IMAGES_APP_PLACEHOLDERS: [[u8; 3]; 7] =
    [[0, 255, 0], [0, 0, 255], [255, 255, 0], [0, 255, 255], [255, 0, 255], [255, 255, 255], [128, 128, 128]];
