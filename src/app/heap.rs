//! The wasm heap: the standard library's allocator (dlmalloc), but growing
//! the linear memory by at least an eighth of its size at a time instead
//! of by exactly what one allocation lacks.
//!
//! Why: every `memory.grow` costs V8 a fixed price that rises with the
//! memory's size (the buffer is detached and re-created and counted as
//! external memory: ~0.1 ms at 64 MB, ~0.5 ms at 1.5 GB, measured in Node
//! 20), and std's dlmalloc grows by the shortfall rounded to 64 KB. The
//! import's vectors double, so they grow rarely; the findings' row-long
//! vectors (hundreds of KB each) each grew the memory a little, thousands
//! of times on a gigabyte dump. Growing geometrically makes that a few
//! dozen growths, and pages the program never touches cost no RAM.
//!
//! This is the only `unsafe` in the crate: a `GlobalAlloc` cannot be
//! written without it. wasm32 without the atomics feature has one thread,
//! which is what makes the unsynchronised cell sound.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::UnsafeCell;

/// WebAssembly's page.
const PAGE_BYTES: usize = 64 * 1024;

/// Pages to grow by when `need_bytes` more are wanted and the memory has
/// `have_pages`: the need, but at least an eighth of the memory (and at
/// least 1 MB), so that the number of growths is logarithmic in the peak.
/// The waste is bounded by the same eighth, of address space only: pages
/// that are never written are never backed by RAM.
pub fn grow_pages(need_bytes: usize, have_pages: usize) -> usize {
    let need = need_bytes.div_ceil(PAGE_BYTES);
    need.max(have_pages / 8).max(16)
}

/// dlmalloc's view of the platform: `memory.grow`, by [`grow_pages`].
struct Growing;

// SAFETY: the regions handed out are fresh pages of linear memory owned by
// no one else (only this allocator grows the memory), zeroed by the engine.
unsafe impl dlmalloc::Allocator for Growing {
    fn alloc(&self, size: usize) -> (*mut u8, usize, u32) {
        let have = core::arch::wasm32::memory_size::<0>();
        let mut pages = grow_pages(size, have);
        let need = size.div_ceil(PAGE_BYTES);
        loop {
            let prev = core::arch::wasm32::memory_grow::<0>(pages);
            if prev != usize::MAX {
                return ((prev * PAGE_BYTES) as *mut u8, pages * PAGE_BYTES, 0);
            }
            // Near the memory's maximum: settle for less, down to the need.
            if pages <= need {
                return (std::ptr::null_mut(), 0, 0);
            }
            pages = need.max(pages / 2);
        }
    }

    fn remap(&self, _ptr: *mut u8, _old: usize, _new: usize, _can_move: bool) -> *mut u8 {
        std::ptr::null_mut()
    }

    fn free_part(&self, _ptr: *mut u8, _old: usize, _new: usize) -> bool {
        false
    }

    fn free(&self, _ptr: *mut u8, _size: usize) -> bool {
        false
    }

    fn can_release_part(&self, _flags: u32) -> bool {
        false
    }

    fn allocates_zeros(&self) -> bool {
        true
    }

    fn page_size(&self) -> usize {
        PAGE_BYTES
    }
}

/// The global allocator of the wasm build.
pub struct Heap(UnsafeCell<dlmalloc::Dlmalloc<Growing>>);

// SAFETY: wasm32 without the atomics feature runs one thread.
unsafe impl Sync for Heap {}

#[global_allocator]
static HEAP: Heap = Heap(UnsafeCell::new(dlmalloc::Dlmalloc::new_with_allocator(
    Growing,
)));

// SAFETY: one thread (see `Sync` above), and no allocation calls back into
// the allocator, so the `&mut` taken in each call is the only one.
unsafe impl GlobalAlloc for Heap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { (*self.0.get()).malloc(layout.size(), layout.align()) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        unsafe { (*self.0.get()).calloc(layout.size(), layout.align()) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { (*self.0.get()).free(ptr, layout.size(), layout.align()) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        unsafe { (*self.0.get()).realloc(ptr, layout.size(), layout.align(), new_size) }
    }
}
