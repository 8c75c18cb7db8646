/* utf8 — decoding and encoding UTF-8, the one copy every stage uses. */
#ifndef JB_UTF8_H
#define JB_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes one character at s[*i] (len bytes in all, *i < len), advancing *i; an
 * invalid byte decodes as U+FFFD and advances one byte. */
uint32_t utf8_next(const char *s, size_t len, size_t *i);
/* The character that ends just before s[*i], moving *i to its first byte; 0 when
 * *i is 0. */
uint32_t utf8_prev(const char *s, size_t *i);
/* Encodes cp into buf (4 bytes of room); returns the byte count. */
int utf8_put(uint32_t cp, char *buf);

/* The first and the last character of s[0..n) (0 when empty). */
uint32_t utf8_first(const char *s, size_t n);
uint32_t utf8_last(const char *s, size_t n);

/* Offset of the first byte at or after from that starts an invalid UTF-8 sequence or
 * is a NUL; n when there is none. */
size_t utf8_invalid(const char *s, size_t n, size_t from);

/* Characters in s[0..n): the bytes that are not continuation bytes (10xxxxxx). */
size_t utf8_count(const char *s, size_t n);

#endif
