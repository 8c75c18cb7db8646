/* suggest — "did you mean …?": the known name nearest a misspelt one, by edit
 * distance (insertions, deletions, substitutions and swaps of two neighbours, counted
 * in characters, not bytes, so 编者 and 编辑 are one apart).
 *
 *   suggest s;
 *   suggest_init(&s, word, len);
 *   for (each known name) suggest_offer(&s, name);
 *   const char *best = suggest_best(&s);    // NULL: nothing close enough
 *
 * Close enough: one edit for a word of up to 4 characters, two up to 8, three beyond;
 * an exact match is not a suggestion; the first of equally near names wins. */
#ifndef JB_SUGGEST_H
#define JB_SUGGEST_H

#include <stddef.h>

typedef struct {
    const char *word;
    size_t len;
    const char *best;
    int dist;
} suggest;

void suggest_init(suggest *s, const char *word, size_t len);
/* Considers one candidate (kept by pointer: it must outlive the suggest). */
void suggest_offer(suggest *s, const char *cand);
const char *suggest_best(const suggest *s);

/* Edit distance (optimal string alignment) between two UTF-8 strings, in characters;
 * at most limit + 1 (the count stops there). */
int suggest_distance(const char *a, size_t an, const char *b, size_t bn, int limit);

#endif
