/* fontcache (the writer's side) — keys, lookups and stores; see fontcache.h. */
#ifndef JB_FONTCACHE_INT_H
#define JB_FONTCACHE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layout/pdf/fontcache.h"

typedef struct fontcache_key fontcache_key;

/* The key of the program that `recipe` makes from face `index` of the font file at
 * path for the sorted glyph set gids[0..n). The file is known by device, inode, size
 * and modification time. NULL when the file cannot be examined or memory runs out:
 * that program is then not cached. */
fontcache_key *fontcache_key_new(const char *recipe, const char *path, unsigned index,
                                 const uint32_t *gids, size_t n);
void fontcache_key_free(fontcache_key *k);

/* A kept program. */
typedef struct {
    unsigned char *z;         /* the font program, deflated (zlib format) */
    size_t zlen;
    size_t rawlen;            /* its length before deflating */
    uint16_t *gids;           /* compact TrueType subsets: the new glyph id of each glyph
                                 of the key's set, in order; otherwise NULL */
    size_t ngids;
} fontcache_item;

/* Frees what a hit of fontcache_get handed over. */
void fontcache_item_free(fontcache_item *it);

/* True on a hit: *it then holds copies the caller frees with fontcache_item_free. */
bool fontcache_get(fontcache *c, const fontcache_key *k, fontcache_item *it);

/* Keeps it under k (in memory and on disk, as the cache allows). Best effort: a disk
 * that is full or read-only only means a later miss. */
void fontcache_put(fontcache *c, const fontcache_key *k, const fontcache_item *it);

#endif
