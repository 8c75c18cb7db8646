/* reader_int — pieces shared by the files of the issue reader (reader*.c, doc.c).
 * Not a public interface: the rest of jianbao sees only doc.h. */
#ifndef JB_READER_INT_H
#define JB_READER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layout/base/strbuf.h"
#include "layout/base/utf8.h"
#include "layout/base/vec.h"
#include "layout/read/doc.h"

/* doc.c: freeing the parts of a document (also used on the reader's error paths). */
void doc_table_free(doc_table *t);
void doc_figure_free(doc_figure *f);
void doc_chart_free(doc_chart *c);
void doc_meta_clear(doc_meta *m);

/* The most characters a table cell holds. A row taller than a column is split between
 * lines (blocks/table.c), but at the smallest table text (6.5 pt in the house style) a
 * cell as wide as an A4 text area holds some 73 characters a line and 79 lines a
 * column, under 5,800: more is not table matter. The trial compositions that size a
 * table's columns are as long as their cells (a 5 MB cell ran for minutes before this
 * bound). */
#define READER_MAX_CELL_CHARS 6000

/* Characters in t's text. */
size_t reader_text_chars(const doc_text *t);

/* Builds a doc_text one inline at a time. */
typedef struct {
    doc_text *t;
    size_t cap;
    uint32_t last;            /* last character appended (0: none yet) */
} reader_tb;

/* Appends one inline (text copied; tabs and other C0 controls become spaces; href
 * copied when flags has IN_LINK). Empty text is ignored. False when out of memory. */
bool reader_tb_add(reader_tb *tb, const char *s, size_t n, unsigned flags, const char *href,
                   size_t src, bool verbatim);

/* CL-LB-12: true when a source line break between these two characters vanishes
 * (both Han/CJK; the marks shared with Latin count as CJK next to a CJK character;
 * beside a full-width mark, which brings its own blank half: "（\nr" is "（r"). */
bool reader_break_vanishes(uint32_t before, uint32_t after);
/* Decodes a character reference "&amp;", "&#20013;", "&#x4e2d;" (s[0] == '&', n bytes,
 * ending in ';') into out (UTF-8, at most 4 bytes). Returns the byte count, 0 when
 * the name is not known. */
int reader_entity(const char *s, size_t n, char out[4]);

/* The offset in src of the n bytes at p, when they lie inside its text (md4c hands
 * out pointers into the source and into buffers of its own). */
bool reader_src_offset(const src_file *src, const char *p, size_t n, size_t *off);

/* Text collected from several md4c callbacks (a code or HTML block), remembering
 * where each piece came from so positions inside it map back to the source. */
typedef struct {
    size_t buf, src, n;
} reader_seg;

typedef struct {
    strbuf text;
    reader_seg *seg;
    size_t nseg, cap;
} reader_raw;

/* Appends s[0..n); when s points into the source text it records the mapping. */
bool reader_raw_add(reader_raw *r, const char *s, size_t n, const src_file *src);
/* Source offset of byte off of the collected text; fallback when that byte did not
 * come from the source (md4c's own newlines and indentation). */
size_t reader_raw_src(const reader_raw *r, size_t off, size_t fallback);
void reader_raw_reset(reader_raw *r);
void reader_raw_free(reader_raw *r);

/* reader_meta.c: the front matter at the start of src. Fills meta, reports problems;
 * returns the offset where the Markdown body starts. */
/* The first key/value separator in t[p, e): an ASCII colon or, as Chinese keyboards
 * type it, a full-width one. Returns its offset (e when there is none) and sets *after
 * to the first byte after it (0 when there is none). */
size_t reader_key_colon(const char *t, size_t p, size_t e, size_t *after);

size_t reader_front_matter(const src_file *src, diag *d, doc_meta *meta);

/* reader_chart.c: parses the body of a ```chart block (at: the opening fence, for
 * messages about the whole block). Returns NULL when it has errors (reported). */
doc_chart *reader_chart(const reader_raw *body, const src_file *src, size_t at, diag *d);

/* reader_html.c: the <table> elements of an HTML fragment that starts at source
 * offset at. Appends each table to *out (*nout of them; caller frees). Problems are
 * reported at at. Returns false when memory ran out. */
bool reader_html_tables(const char *html, size_t len, const src_file *src, size_t at, diag *d,
                        doc_table ***out, int *nout);

/* The <table> nesting change in s[0..n): +1 per <table>, -1 per </table>. */
int reader_html_table_depth(const char *s, size_t n);
/* Offset of the first character of s[0..n) that is not a blank or inside a comment
 * (n when there is none). */
size_t reader_html_skip_blank(const char *s, size_t n);

/* reader_figure.c: the file an image path names (URL-decoded, relative to dir),
 * checked to lie inside dir (unless allow_outside) and to be a PNG or JPEG whose
 * every sample decodes (info gets its header). Returns it (caller frees), or NULL
 * after reporting the problem at source offset at. */
char *reader_image(const src_file *src, const char *dir, bool allow_outside, const char *path,
                   size_t at, diag *d, image_info *info);

/* reader_cjk.c: a copy of text[0..n) that md4c reads instead of the source, so that
 * emphasis next to CJK punctuation opens and closes (CJK-friendly flanking); the same
 * length, every byte at its offset. NULL when the source needs no change (or, with
 * *oom set, when memory ran out). */
char *reader_cjk_emphasis(const char *text, size_t n, bool *oom);

/* The list label a paragraph starts with — （一） (1) 一、 1. 1、 第一节 ① — as its
 * length in bytes of s (0 when none); *skip gets the blanks after it. */
size_t reader_label(const char *s, size_t n, size_t *skip);

/* Reports that memory ran out (as an error, so the read fails). */
void reader_oom(diag *d, const src_file *src);

#endif
