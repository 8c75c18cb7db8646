/* fontcache — subset font programs kept between builds.
 *
 * Making the subset of a CJK font is most of the writer's work. A subset depends only
 * on the font file, the face, the exact glyph set and the way it is made (the writer's
 * recipe: tables, flags, HarfBuzz and libdeflate versions, deflate level), so it is kept
 * under those, deflated as it goes into the PDF:
 *   on disk, one file per program in $JIANBAO_CACHE_DIR, else $XDG_CACHE_HOME/jianbao,
 *     else ~/.cache/jianbao (JIANBAO_CACHE_DIR=off: no disk cache). An entry is written
 *     under a temporary name and renamed, so concurrent builds never read half of one;
 *     an entry that does not check out (cut short, altered, another key) is ignored and
 *     rewritten; the least recently used entries go once the folder holds more than its
 *     bound (64 MB; JIANBAO_CACHE_MB);
 *   in memory, for a process that builds again and again (jianbao watch): make one
 *     cache with a memory bound and hand it to every build (pdf_options.font_cache).
 * A hit gives the very bytes a miss would have made: the PDF does not change.
 * Not thread-safe: one cache per thread. */
#ifndef JB_FONTCACHE_H
#define JB_FONTCACHE_H

#include <stddef.h>

typedef struct fontcache fontcache;

/* dir: the folder of the disk cache; NULL: from the environment as above; "off": no
 * disk cache. memory_bytes: how much the process may keep in memory (0: nothing).
 * A folder that cannot be made means no disk cache, not an error. NULL only when
 * memory runs out. */
fontcache *fontcache_new(const char *dir, size_t memory_bytes);
void fontcache_free(fontcache *c);

typedef struct {
    unsigned memory_hits, disk_hits, misses, stores;
} fontcache_counts;

/* What the cache answered so far. */
fontcache_counts fontcache_get_counts(const fontcache *c);

#endif
