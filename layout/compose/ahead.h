/* ahead — running text composed on helper threads while the caller goes on shaping the
 * paragraphs after it (layout/base/jobs.h).
 *
 * Shaping stays on the calling thread (it opens fonts and reports missing characters,
 * in source order); compose() reads and writes only its paragraph and result, so it may
 * run anywhere. What the caller reports meanwhile is held back and given out again in
 * order as the compositions are taken: the messages come out exactly as if every
 * paragraph had been composed in its turn. Only where typeset_compose_splits. */
#ifndef JB_AHEAD_H
#define JB_AHEAD_H

#include "layout/compose/typeset.h"

typedef struct ahead ahead;

/* Holds t's messages from now on. NULL when memory runs out (compose in turn then). */
ahead *ahead_new(typeset_ctx *t);

/* Starts composing p (shaped, and not touched again until taken) as typeset_compose
 * would. Returns its ticket, or -1 when memory runs out. */
int ahead_compose(ahead *a, para *p, const style_text *ts, float measure, float indent);

/* Messages go straight out again (call once the last paragraph is given). */
void ahead_release(ahead *a);

/* After ahead_release, tickets in the order given: gives out the messages held before
 * the ticket, waits for its composition into *r and reports what is wrong with it, as
 * typeset_compose does. Returns 0, or -1 when composing failed (out of memory). */
int ahead_take(ahead *a, int ticket, compose_result *r);

/* Gives out the messages still held, waits for any composition not taken (and frees
 * it), and frees a. */
void ahead_free(ahead *a);

#endif
