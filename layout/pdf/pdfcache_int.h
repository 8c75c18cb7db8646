/* pdfcache (the writer's side) — keys, lookups and stores; see pdfcache.h. */
#ifndef JB_PDFCACHE_INT_H
#define JB_PDFCACHE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layout/pdf/pdfcache.h"

typedef struct pdfcache_key pdfcache_key;

/* The key of the program that `recipe` makes from face `index` of the font file at
 * path for the sorted glyph set gids[0..n). The file is known by device, inode, size
 * and modification time. NULL when the file cannot be examined or memory runs out:
 * that program is then not cached. */
pdfcache_key *pdfcache_key_new(const char *recipe, const char *path, unsigned index,
                                 const uint32_t *gids, size_t n);
void pdfcache_key_free(pdfcache_key *k);

/* A kept program. */
typedef struct {
    unsigned char *z;         /* the font program, deflated (zlib format) */
    size_t zlen;
    size_t rawlen;            /* its length before deflating */
    uint16_t *gids;           /* compact TrueType subsets: the new glyph id of each glyph
                                 of the key's set, in order; otherwise NULL */
    size_t ngids;
} pdfcache_item;

/* Frees what a hit of pdfcache_get handed over. */
void pdfcache_item_free(pdfcache_item *it);

/* True on a hit: *it then holds copies the caller frees with pdfcache_item_free. */
bool pdfcache_get(pdfcache *c, const pdfcache_key *k, pdfcache_item *it);

/* Keeps it under k (in memory and on disk, as the cache allows). Best effort: a disk
 * that is full or read-only only means a later miss. */
void pdfcache_put(pdfcache *c, const pdfcache_key *k, const pdfcache_item *it);

/* The deflated form of the stream raw[0..len) when it is kept (memory only): true with
 * a copy in *z (the caller frees) of *zlen bytes. */
bool pdfcache_stream_get(pdfcache *c, const void *raw, size_t len, unsigned char **z,
                         size_t *zlen);

/* Keeps z[0..zlen) as the deflated form of raw[0..len), if the memory bound allows. */
void pdfcache_stream_put(pdfcache *c, const void *raw, size_t len, const void *z, size_t zlen);

#endif
