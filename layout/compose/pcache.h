/* pcache — shaped and composed paragraphs kept from one build to the next, for
 * `jianbao watch`: after an edit, a paragraph whose text and style did not change is
 * copied from the last build instead of being shaped and broken into lines again.
 *
 * A shaped paragraph is found by its key (typeset builds it: the text style, each
 * inline's text, flags and source offset relative to the first); its compositions by
 * measure, indent, looseness and the few style fields the composer reads besides the
 * style's clreq options. Everything else a paragraph depends on (the style sheet, the
 * fonts) is the build's fingerprint: a build with another fingerprint starts empty.
 * Source offsets are kept relative to the paragraph's first inline, so a paragraph that
 * only moved in the file is found and reports its places where it now is.
 *
 * Paragraphs whose shaping reported a missing glyph are not kept, so every build
 * reports it again; an overfull line is reported from the composition, found or made. Memory: entries not used by
 * the last build are dropped when the next begins; past max_bytes nothing is added. */
#ifndef JB_PCACHE_H
#define JB_PCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "layout/compose/compose.h"
#include "layout/compose/para.h"

typedef struct pcache pcache;

pcache *pcache_new(size_t max_bytes);
void pcache_free(pcache *c);

/* Starts a build whose style and fonts have this fingerprint: drops every entry when it
 * differs from the last build's, else those the last build did not use. */
void pcache_begin(pcache *c, uint64_t fingerprint);

/* FNV-1a, 64 bits, continuing from h (start with PCACHE_SEED). */
#define PCACHE_SEED 0xcbf29ce484222325ULL
uint64_t pcache_hash(uint64_t h, const void *data, size_t n);

/* A new paragraph copied from the one kept under key (n bytes), its spans' source
 * offsets moved to src0 (the first inline's); NULL when there is none. The copy
 * remembers its entry for pcache_composed. */
para *pcache_get(pcache *c, const void *key, size_t n, size_t src0);
/* Keeps a copy of p, just shaped, under key; p remembers the entry. Nothing happens
 * when there is no room. */
void pcache_put(pcache *c, const void *key, size_t n, para *p, size_t src0);

/* What a composition depends on besides the paragraph and the style's clreq options. */
typedef struct {
    float measure, indent, size, wrap_indent;
    int looseness;
    int align;
    int verbatim;
    int keep_brackets, keep_words, balance;   /* the text style's heading rules */
    float phrase_balance;
} pcache_how;

/* Sets p's units and *r as composed before with how, when p came from (or went into)
 * the cache and that composition is kept. True when found. */
bool pcache_composed(pcache *c, para *p, const pcache_how *how, compose_result *r);
/* Keeps p's composition r made with how. */
void pcache_compose_put(pcache *c, const para *p, const pcache_how *how,
                        const compose_result *r);

/* Counts since the build began, for JIANBAO_TIMING: paragraphs and compositions found
 * (hits) and made and kept (misses). */
void pcache_stats(const pcache *c, long *hits, long *misses);

#endif
