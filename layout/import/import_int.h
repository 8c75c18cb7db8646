/* import_int — pieces shared by the files of the importer (import*.c). Not a public
 * interface: the rest of jianbao sees only import.h.
 *
 * The passes (see import.c) share one context, imp_ctx: the cleaned text, its lines, the
 * blocks built from them, the contents listing and the messages. */
#ifndef JB_IMPORT_INT_H
#define JB_IMPORT_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layout/base/diag.h"
#include "layout/base/strbuf.h"
#include "layout/base/utf8.h"

enum {
    IMP_FOOTER_MAX = 100,    /* bytes: a running footer is a short line */
    IMP_FOOTER_MIN = 3,      /* repeats before a line counts as a running footer */
    IMP_LONG = 40,           /* characters: a line this long is a sentence, not a title */
    IMP_SHORT_HEAD = 30,     /* characters: a numbered line this short may be a heading */
    IMP_TOP_TITLE = 8,       /* characters: an unnumbered heading this long heads a part */
    IMP_SECTION_MAX = 12,    /* characters: a section name in the contents listing */
    IMP_FUZZY_MAX = 256,     /* characters compared by edit distance */
    IMP_NOTE_MAX = 256,      /* characters: a trailing note in brackets is shorter */
    IMP_TITLE_WINDOW = 3,    /* next unmatched contents titles tried by fuzzy matching */
    IMP_TABLE_COLS = 64,     /* wider tab-separated runs are not tables */
    IMP_TABLE_CELLS = 1 << 20,
    IMP_ENCODING_WARNINGS = 20,
    IMP_SIGN_LINES = 3,      /* issuer lines in a signature (落款) at most */
    IMP_SIGN_BODIES = 8,     /* bodies named on one issuer line at most */
};

/* The largest input read: a month's bulletin is well under 1 MB as text (a .docx with
 * its photos under 50 MB); a bigger file is a wrong one, not an issue. */
#define IMP_INPUT_MAX ((size_t)64 << 20)
#define IMP_INPUT_MAX_TEXT "64 MB"

#define IMP_HAN_NUMERALS "〇零一二三四五六七八九十百千两"
#define IMP_STOPS "。！？；：….!?;:．"
#define IMP_CLOSERS "”’」』）)】〕》〉］]\"'"

typedef enum { L_BLANK, L_FOOTER, L_TEXT, L_HEAD, L_ROW } imp_lkind;

typedef struct {
    const char *s;            /* into the cleaned text, not NUL-terminated */
    size_t n;                 /* without surrounding spaces */
    int no;                   /* 1-based line number */
    imp_lkind kind;
} imp_line;

/* Outline numbering, outermost first. K_U: a heading without numbering. */
typedef enum { K_U, K_CHAP, K_SECT, K_HAN, K_PAREN, K_NUM, K_PNUM, K_COUNT } imp_kind;

typedef enum { BK_PARA, BK_HEAD, BK_TABLE, BK_LIST } imp_bkind;

typedef enum {
    R_DROP,                   /* not written: masthead, contents, a used caption, joined */
    R_PARA,
    R_BOLD,                   /* a heading mark on a short sentence: a bold paragraph */
    R_SOURCE,                 /* （来源：…） */
    R_FIGURE,                 /* the caption of a lost image, kept as a paragraph */
    R_SECTION,
    R_ARTICLE,
    R_HEADING,
    R_TOC_ITEM,               /* an entry of a document's own contents, as a list item */
    R_LIST,
    R_RAW,                    /* already Markdown: tables */
    R_SIGNATURE,              /* issuing bodies and date closing a notice, one per line */
} imp_role;

typedef struct {
    imp_bkind kind;
    imp_role role;
    int first, last;          /* its lines, inclusive */
    int marks;                /* '#' on a heading line; 0 when none */
    bool bold;                /* the whole line was **bold** */
    bool page_before;         /* a running footer lies between it and the previous block */
    bool promoted;            /* a numbered line taken as a heading */
    imp_kind num;             /* the numbering it starts with */
    int level;                /* heading level; list depth of a R_TOC_ITEM */
    int joined;               /* the next block joined onto this one across a page break; 0: none */
    int out_line;             /* where it starts in issue.md; 0 when not written */
    char *text;               /* owned */
    char *caption;            /* tables: owned, or NULL */
} imp_block;

typedef struct {
    char *text;               /* as listed */
    char *norm;               /* imp_norm(text) */
    int no;
    bool used;                /* met in the body: then blk is the article's block */
    int blk;
} imp_entry;

typedef struct {
    const char *k;
    size_t n;
    int v;
} imp_slot;

/* Open addressing over keys owned elsewhere; sized once for the keys it will hold. */
typedef struct {
    imp_slot *slot;
    size_t mask;
} imp_map;

/* A message: a place for the editor to check (check), or a notice of something the
 * import did on its own. */
typedef struct {
    int line;                 /* the input line it is about */
    int key;                  /* or the front-matter key (M_…), -1 when none */
    int out;                  /* resolved: the line of issue.md */
    int seq;
    bool check;
    char *msg;
} imp_warning;

enum {
    M_ASSOC, M_ASSOC_EN, M_TITLE, M_NUMBER, M_ISSUE, M_MONTH, M_EDITOR, M_TYPESETTER,
    M_PHONE, M_FAX, M_EMAIL, M_ADDRESS, M_WEBSITE, M_STYLE, M_COUNT
};

/* The style every imported issue starts with (doc.h's default). */
#define IMP_STYLE "zasto"

typedef struct {
    const char *name;
    const char *from;         /* the encoding the input was converted from, or NULL */
    bool undecided;           /* the encoding could not be told: nothing imported */
    size_t bad_at;            /* then: offset of the first byte that is not UTF-8 */
    char *text;               /* cleaned input */
    size_t len;
    imp_line *line;
    int nline;
    imp_block *blk;
    int nblk;
    size_t capblk;
    imp_entry *sec, *tit;     /* the contents listing: sections, article titles */
    int nsec, ntit;
    size_t capsec, captit;
    imp_map secmap, titmap;
    int next_title;           /* first title not yet met in the body */
    char *meta[M_COUNT];
    int meta_line[M_COUNT];   /* where each key was written in issue.md; 0: not written */
    int body_line;            /* first input line after the masthead and contents listing */
    int out_lines;            /* lines of issue.md */
    const char *footer;       /* the first running footer, for the website */
    size_t footer_n;
    imp_warning *warn;
    int nwarn;
    size_t capwarn;
    bool oom;
} imp_ctx;

/* ===================== character classes ===================== */

/* utf8_next, but 0 at the end of s: the scanners below look one character past what
 * they read without checking first. */
static inline uint32_t imp_next(const char *s, size_t n, size_t *i)
{
    return *i < n ? utf8_next(s, n, i) : 0;
}

static inline bool imp_is_han(uint32_t c)
{
    return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3FFFF);
}

static inline bool imp_is_digit(uint32_t c)
{
    return c >= '0' && c <= '9';
}

static inline bool imp_is_latin(uint32_t c)
{
    return imp_is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool imp_is_blank(uint32_t c)
{
    return c == ' ' || c == '\t' || c == 0x3000 || c == 0xA0;
}

/* ===================== import_text.c: measures, numbering, titles ===================== */

/* True when c is one of the characters of the UTF-8 string set. */
bool imp_cp_in(uint32_t c, const char *set);

/* ASCII and CJK punctuation: what CommonMark's flanking rules treat as punctuation. */
bool imp_is_punct(uint32_t c);

/* A NUL-terminated copy of s[0..n) (caller frees); NULL, with c->oom set, when memory
 * runs out. */
char *imp_dup(imp_ctx *c, const char *s, size_t n);

/* strbuf_take, setting c->oom when the buffer ran out of memory. */
char *imp_take(imp_ctx *c, strbuf *b);

/* The input line a block starts on. */
int imp_no(const imp_ctx *c, const imp_block *b);

/* Characters that print: everything but spaces and emphasis marks. */
size_t imp_vis_len(const char *s);

/* End of s without trailing spaces and emphasis marks. */
size_t imp_rtrim_marks(const char *s, size_t n);

/* Start of s after leading spaces and emphasis marks. */
size_t imp_ltrim_marks(const char *s, size_t n);

/* The last and first characters of s, emphasis marks and spaces looked through. */
uint32_t imp_last(const char *s);
uint32_t imp_first(const char *s);

/* True when s ends a sentence: 。！？；：… (and ASCII .!?;:). A closing quote or bracket
 * counts only after such a mark — “……。” and "…。（完）" end, “促进就业九条” does not. */
bool imp_ends_sentence(const char *s);

/* A 。！？；before the last character: more than one clause. */
bool imp_inner_stop(const char *s);

/* s ends in 。！？ (or ASCII !?). */
bool imp_ends_stop(const char *s);

/* Removes spaces between two Han characters in place (a line break inside a title or a
 * table cell, clreq CL-LB-12); true when there were any. */
bool imp_drop_han_spaces(char *s);

/* Moves *i past Han numerals (han) and ASCII digits (dig); returns how many. */
size_t imp_scan_numerals(const char *s, size_t n, size_t *i, bool han, bool dig);

/* The outline numbering s starts with (第一章, 第一节, 一、, （一）, 1. 1、, （1）);
 * *after is where the text after it begins. K_U when there is none. */
imp_kind imp_numbering(const char *s, size_t *after);

/* True when s starts a new item of some enumeration: outline numbering, ①, 一是, 第一条,
 * a leading —— or bullet. Such a line never continues the paragraph before it. */
bool imp_starts_item(const char *s);

/* Sizes m for keys keys (freed with free(m->slot)); false, with c->oom set, when memory
 * runs out. */
bool imp_map_init(imp_ctx *c, imp_map *m, size_t keys);

/* The value kept for key (k, n); added with value -1 when absent and add is set. */
int *imp_map_at(imp_map *m, const char *k, size_t n, bool add);

/* The comparable form of a title: no spaces or emphasis, full-width ASCII folded to ASCII,
 * quotes, brackets and dashes unified, ASCII lower case. */
char *imp_norm(imp_ctx *c, const char *s);

/* A heading that is the listed title give or take a few characters: one contains the
 * other with at most a fifth more, or they differ by a tenth of their characters. */
bool imp_close_enough(const char *heading, const char *title);

/* ===================== import_msg.c: messages ===================== */

/* fmt and its arguments as a new string (caller frees); NULL when memory runs out. */
char *imp_vformat(const char *fmt, va_list ap);

/* Records a place to check about input line line (a guess the editor must confirm, or
 * something lost); line 0: about the front matter as a whole. imp_check_key the same
 * about a front-matter key. */
void imp_check(imp_ctx *c, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void imp_check_key(imp_ctx *c, int key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Records a notice: something done on its own by a sure rule (a heading level set, a
 * caption found). */
void imp_notice(imp_ctx *c, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Reports the messages through d at the lines of issue.md imp_emit recorded: the places
 * to check as warnings, then, when verbose, the notices. counts[0] and counts[1] get
 * how many of each. False when memory runs out. */
bool imp_report(imp_ctx *c, diag *d, bool verbose, int counts[2]);

/* At most 24 characters of s, for messages; … when cut. */
const char *imp_snip(char out[128], const char *s);

/* The last k characters of s. */
const char *imp_tail(const char *s, size_t k);

/* ===================== import_clean.c: bytes to text ===================== */

/* The input bytes as c->text: UTF-8 as it is, GB 18030 (GBK) and UTF-16/32 converted
 * (c->from names the encoding), then cleaned (imp_clean). False when memory runs out or
 * the encoding cannot be told (c->undecided, c->bad_at). */
bool imp_decode(imp_ctx *c, const char *text, size_t len);

/* Copies text as valid UTF-8: invalid bytes become U+FFFD, NUL and other control
 * characters (but tab and newline) are dropped, CR LF becomes LF, a BOM goes. */
bool imp_clean(imp_ctx *c, const char *text, size_t len);

/* ===================== import_lines.c: lines and blocks ===================== */

/* Splits the cleaned text into lines without surrounding spaces (ASCII, ideographic,
 * no-break) — tabs stay, they separate table cells. */
bool imp_split_lines(imp_ctx *c);

/* A line repeated on many pages (the same URL-like line at least IMP_FOOTER_MIN times),
 * and isolated page numbers when there are that many, are running furniture. */
void imp_mark_footers(imp_ctx *c);

/* Appends line text t to a paragraph the way a line break inside it reads: nothing
 * between Han characters (clreq CL-LB-12) or next to any non-Latin character, one space
 * between two Latin words. Emphasis marks at the seam are looked through. */
void imp_join_text(strbuf *b, const char *t, size_t n);

/* Groups the lines into blocks (c->blk), remembering where page breaks fell. */
void imp_make_blocks(imp_ctx *c);

/* ===================== import_outline.c: the outline ===================== */

/* The front-matter key of each M_ value. */
extern const char *const imp_meta_key[M_COUNT];

/* The masthead is every block before the contents listing (to >= 0), or else the leading
 * blocks that are recognizably masthead parts. Returns where the rest begins. */
int imp_masthead(imp_ctx *c, int to);

/* The issue's contents listing: the first 目录 line before any body paragraph, or -1. */
int imp_find_contents(imp_ctx *c);

/* Reads the listing after its marker into section names and article titles (and drops
 * it); returns the first body block. */
int imp_contents(imp_ctx *c, int marker);

/* Hashes the listed section names and titles for imp_roles. */
void imp_index_contents(imp_ctx *c);

/* Sections and articles from the contents listing; other marked lines are provisional
 * inner headings; everything else paragraphs, tables, lists. */
void imp_roles(imp_ctx *c, int from);

/* Without a contents listing the extraction's own marks are all there is: # sections,
 * ## articles, deeper inner headings. */
void imp_roles_from_marks(imp_ctx *c, int from);

/* Per article: its own contents, demoted and promoted headings, inner levels. */
void imp_articles(imp_ctx *c, int from);

/* ===================== import_table.c: tables ===================== */

/* A table block → GFM pipe table when the grid is regular, else HTML with spans. */
void imp_table_block(imp_ctx *c, imp_block *b);

/* ===================== import_para.c: paragraphs ===================== */

/* A short title line right before a table (no page break between) is its caption. */
void imp_captions(imp_ctx *c, int from);

/* The caption of an image the extraction lost: "图1 …", or a short title left between a
 * table and the text (a chart's title). Kept as a paragraph; no data is invented. */
void imp_figures(imp_ctx *c, int from);

/* Source lines ("来源：…") in the house form （来源：…）. */
void imp_sources(imp_ctx *c, int from);

/* Paragraphs cut at page breaks (possibly more than once) become one: decided pair by pair
 * on the paragraph so far, then each built once (linear in the text). */
void imp_rejoin(imp_ctx *c, int from);

/* "思想 and 党的十九大精神": a short lower-case Latin word between Han characters is no
 * Chinese writing; some extractions put it for 和. Reported, not changed. */
void imp_latin_words(imp_ctx *c, int from);

/* Moves punctuation out of the inner edges of bold spans CommonMark would not close. */
void imp_emphasis(imp_ctx *c, int from);

/* A line naming issuing bodies ("商务部 科技部", "广东省人民政府"), and a line that is a
 * date alone (2019年3月31日, 二〇一九年三月三十一日): the parts of a signature. */
bool imp_issuer_line(const char *s, size_t n);
bool imp_date_line(const char *s, size_t n);

/* Signatures (落款) closing a notice → R_SIGNATURE blocks (see imp_signature). */
void imp_signatures(imp_ctx *c, int from);

/* ===================== import_emit.c: Markdown out ===================== */

/* The front matter and the blocks from block from on, as the issue source (caller
 * frees); NULL when memory runs out. */
char *imp_emit(imp_ctx *c, int from);

/* ===================== import_docx.c: Word articles ===================== */

/* Appends line s[0..n) with the house typography in its Chinese parts: straight quotes
 * → “ ” ‘ ’, -- and ------ → ——, ... and 。。。 → ……, a lone — or … → —— or ……; code
 * spans, HTML tags and link targets as they are. */
void imp_typeset_line(const char *s, size_t n, strbuf *o);

/* pandoc's GFM md (changed in place) as an article of the issue source: headings,
 * figures (pictures under media moved into figdir as stem-name), typography. counts[0]
 * and counts[1] get the places to check and the notices (not reported). NULL when memory
 * runs out or a picture cannot be moved (reported). For import_docx, tests and fuzzing. */
char *imp_docx_markdown(char *md, const char *media, const char *figdir, const char *stem, int counts[2], diag *d);

/* ===================== import.c: files ===================== */

/* mkdir -p dir; 0, or -1 with an error reported. */
int imp_mkdirs(const char *dir, diag *d);

/* Writes text to path through a temporary file beside it (every write checked, synced),
 * then renames it over path: a failure leaves the old file as it was. 0, or -1 with an
 * error reported. */
int imp_write(const char *path, const char *text, diag *d);

/* The whole of an input file (caller frees; *len its length): a regular file of at most
 * IMP_INPUT_MAX bytes. NULL with an error reported. */
char *imp_read_input(const char *path, size_t *len, diag *d);

#endif
