/* heap — see heap.h.
 *
 * A build touches some 20 MB of fresh heap (50 MB at 16 issues' text), and every 4 KB
 * page is one page fault: 4,800 of them cost about a sixth of a cold build's time on a
 * virtual machine. glibc.malloc.hugetlb=1 would help, but only from the environment.
 * So the heap is grown once by HEAP_RESERVE, kept (no trimming, no separate mappings
 * for large blocks) and advised for transparent huge pages, which the kernel then
 * faults in 2 MB at a time (where THP is off, nothing changes). */
#include "layout/app/heap.h"

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* Address space, not memory: untouched pages are never resident. */
#define HEAP_RESERVE (64 << 20)
#define HUGE_PAGE (2 << 20)

void heap_init(void)
{
    /* Blocks up to this size come from the heap, not mmap: a freed one is reused
     * instead of unmapped and faulted in again. */
    if (!mallopt(M_MMAP_THRESHOLD, 32 << 20) || !mallopt(M_TRIM_THRESHOLD, 2 * HEAP_RESERVE) ||
        !mallopt(M_TOP_PAD, HEAP_RESERVE))
        return;
    /* Helper threads (layout/base/jobs.h) share one arena besides this heap: in this
     * heap they and the main thread would wait on each other's malloc lock (16x: +0.2 s
     * CPU); in one each, every arena would keep its own free memory (more peak RSS). */
    (void)mallopt(M_ARENA_MAX, 2);
    /* A block larger than what is left at the top makes malloc grow the heap, by
     * the block and HEAP_RESERVE more; the heap is then the arena's span below the
     * break. */
    void *volatile p = malloc(2 * HUGE_PAGE);   /* volatile: the pair is not elided */
    free(p);
    /* Under a sanitizer or valgrind, whose allocators do not use the break, the arena
     * reads 0 and nothing is advised. */
    uintptr_t hi = (uintptr_t)sbrk(0), arena = mallinfo2().arena;
    if (arena == 0 || arena > hi)
        return;
    uintptr_t lo = (hi - arena + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
    if (hi > lo + HUGE_PAGE)
        (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);   /* only speed is at stake */
}
