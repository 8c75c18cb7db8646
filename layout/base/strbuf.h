/* strbuf — the one growable text buffer: always NUL-terminated once anything was
 * added; running out of memory is sticky (later appends do nothing, `oom` stays set),
 * so a writer can append freely and check once at the end. */
#ifndef JB_STRBUF_H
#define JB_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *p;
    size_t n, cap;
    bool oom;
} strbuf;

/* Each returns false once memory has run out. */
bool strbuf_add(strbuf *b, const char *s, size_t n);
bool strbuf_str(strbuf *b, const char *s);
bool strbuf_chr(strbuf *b, char c);
bool strbuf_printf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* v with at most dec (<= 6) decimals, trailing zeros dropped, never in exponent form
 * and never "-0": the form PDF content streams need, byte-stable across platforms. */
bool strbuf_num(strbuf *b, double v, int dec);
/* Hands the text over (an empty string rather than NULL) and empties the buffer;
 * NULL when memory ran out. */
char *strbuf_take(strbuf *b);
void strbuf_free(strbuf *b);

/* A new formatted string (caller frees), or NULL when memory runs out. */
char *strbuf_format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
