/* vec — the one growable-array helper: any array of fixed-size items with a
 * capacity beside it grows by doubling through vec_reserve. */
#ifndef JB_VEC_H
#define JB_VEC_H

#include <stdbool.h>
#include <stddef.h>

/* Makes *items (an array of `size`-byte items with capacity *cap) hold at least need
 * items, doubling from 8. Returns false when memory runs out or the size overflows;
 * *items and *cap are then unchanged (the old array stays valid). */
bool vec_reserve(void **items, size_t *cap, size_t need, size_t size);

/* Room for one more item after the first n: vec_reserve(items, cap, n + 1, size). */
#define VEC_PUSH_ROOM(items, cap, n) \
    vec_reserve((void **)&(items), &(cap), (size_t)(n) + 1, sizeof *(items))

#endif
