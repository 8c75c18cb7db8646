/* pdfcache — what the PDF writer keeps between builds.
 *
 * Subset font programs. Making the subset of a CJK font is most of the writer's work.
 * A subset depends only on the font file, the face, the exact glyph set and the way it
 * is made (the writer's recipe: tables, flags, HarfBuzz and libdeflate versions, deflate
 * level), so it is kept under those, deflated as it goes into the PDF:
 *   on disk, one file per program in $JIANBAO_CACHE_DIR/fonts, else
 *     $XDG_CACHE_HOME/jianbao/fonts, else ~/.cache/jianbao/fonts (JIANBAO_CACHE_DIR=off:
 *     no disk cache). An entry is written under a temporary name and renamed, so
 *     concurrent builds never read half of one; an entry that does not check out (cut
 *     short, altered, another key) is ignored and rewritten; the least recently used
 *     entries go once the folder holds more than its bound (64 MB; JIANBAO_CACHE_MB);
 *   in memory, when the cache has a memory bound.
 * Deflated streams (memory only). A process that builds again and again (jianbao
 * watch) writes mostly the same page contents after an edit; each stream's deflated
 * form is kept under its exact bytes, so only changed streams are compressed again.
 *
 * A long-lived process makes one cache with a memory bound and hands it to every
 * build as pdf_options.cache (jianbao watch: kept in its issue_ctx); a build given
 * none uses the disk cache alone. A hit gives the very bytes a miss would have made: the PDF does not
 * change. Not thread-safe: one cache per thread. */
#ifndef JB_PDFCACHE_H
#define JB_PDFCACHE_H

#include <stddef.h>

typedef struct pdfcache pdfcache;

/* dir: the folder of the disk cache; NULL: from the environment as above; "off": no
 * disk cache. memory_bytes: how much the process may keep in memory, programs and
 * streams together, the least recently used going first (0: nothing). A folder that
 * cannot be made means no disk cache, not an error. NULL only when memory runs out. */
pdfcache *pdfcache_new(const char *dir, size_t memory_bytes);
void pdfcache_free(pdfcache *c);

typedef struct {
    unsigned memory_hits, disk_hits, misses, stores;   /* subset programs */
    unsigned stream_hits, stream_misses;               /* deflated streams */
} pdfcache_counts;

/* What the cache answered so far. */
pdfcache_counts pdfcache_get_counts(const pdfcache *c);

#endif
