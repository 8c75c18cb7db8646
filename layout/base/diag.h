/* diag — user-facing messages in the form editors' tools understand:
 *   issues/2019-03/issue.md:120:7: error: what is wrong; how to fix it
 * Columns count characters (not bytes), from 1. Messages go to the diag's stream
 * (stderr by default) as they happen; the caller asks at the end whether any error
 * was reported and exits non-zero. */
#ifndef JB_DIAG_H
#define JB_DIAG_H

#include <stddef.h>
#include <stdio.h>

/* A source file held in memory, with its line starts, so that a byte offset can be
 * turned into line:col. Owns its copy of the text. */
typedef struct {
    char *path;
    char *text;
    size_t len;
    size_t *line_start;       /* byte offset of each line's first character */
    size_t nlines;
} src_file;

/* Reads a whole file. Returns NULL (errno set) when it cannot be read. */
src_file *src_file_read(const char *path);
/* Wraps text already in memory (copied). */
src_file *src_file_new(const char *path, const char *text, size_t len);
void src_file_free(src_file *f);
/* 1-based line and character column of byte offset off (clamped to the text). */
void src_file_pos(const src_file *f, size_t off, int *line, int *col);

/* How messages look. On a terminal a message about a place is followed by that
 * source line with a caret under the column; colour is added unless NO_COLOR is set
 * (https://no-color.org) or TERM is "dumb". Anything that is not a terminal gets the
 * plain one-line form only. */
enum {
    DIAG_SHOW_SOURCE = 1,     /* the source line and a caret after the message */
    DIAG_COLOR = 2,           /* ANSI colours */
};

typedef struct diag {
    FILE *out;
    int errors, warnings;
    unsigned flags;           /* DIAG_SHOW_SOURCE | DIAG_COLOR, set by diag_init */
} diag;

/* Messages go to out (stderr when NULL); the flags follow from whether it is a
 * terminal and the environment (see above). */
void diag_init(diag *d, FILE *out);
/* The flags for a stream: what diag_init chooses. */
unsigned diag_flags_for(FILE *out);

void diag_error(diag *d, const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void diag_warning(diag *d, const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* The same, with the position given as a byte offset into a source file. */
void diag_error_at(diag *d, const src_file *f, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void diag_warning_at(diag *d, const src_file *f, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A message about no particular place ("jianbao: error: …"). */
void diag_error_general(diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void diag_note(diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A remark that asks for nothing, about a place ("file:line:col: note: …") or, with line
 * 0, a whole file ("file: note: …"). Counted as neither error nor warning. */
void diag_notice(diag *d, const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif
