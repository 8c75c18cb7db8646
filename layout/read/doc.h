/* doc — the document model: what an issue says, with no pages or fonts in it.
 *
 * An issue is its metadata (the front matter) and a flat sequence of blocks in
 * reading order. Sections (#) and articles (##) are blocks too: the flow decides what
 * they start. Every block and inline span remembers its byte offset in the source, so
 * any later stage can report file:line:col.
 *
 * Source format (issues/<yyyy-mm>/issue.md): a front-matter block between lines
 * "---", one "key: value" per line (keys in doc_meta), then CommonMark + GFM tables:
 *   # 企业动态                  section          ## 标题        article
 *   ### … ######               inner headings   paragraphs, lists, > quotes
 *   **bold** (Hei face), *em*, `code`, [text](url), <sub>2.5</sub>, <sup>…</sup>
 *   （来源：珠海特区报）          a source line (a paragraph that is only that)
 *   | a | b |                  GFM table; a paragraph "表：caption" right before a
 *                              table is its caption
 *   <table>…</table>           HTML table with colspan/rowspan, <caption>, <th>
 *   ![图 caption](figures/x.png)   a figure (a paragraph holding only the image)
 *   ```chart … ```             a vector chart (see doc_chart)
 *   ``` … ``` (any other info string, or an indented block)
 *                              code: DOC_CODE, its lines kept (IN_BR between them)
 *   ```signature … ```         落款: DOC_SIGNATURE, each line flush right and whole
 *   "text  " / "text\" at a line end   a hard line break (IN_BR) */
#ifndef JB_DOC_H
#define JB_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "layout/base/diag.h"
#include "layout/image/image.h"

typedef enum {
    IN_BOLD = 1,
    IN_EM = 2,
    IN_CODE = 4,
    IN_SUB = 8,
    IN_SUP = 16,
    IN_LINK = 32,
    IN_BR = 64,               /* a hard line break: the line ends here (text " ") */
    IN_LABEL = 128,           /* a list label （一） 1. • 第一节: fixed width, never
                                 squeezed or spread (the first inline only) */
    IN_HANG = 256,            /* with IN_LABEL: the label hangs left of the text */
    IN_KEEP = 512,            /* break only after its spaces (names in a signature) */
} doc_inline_flags;

/* A run of text with one set of flags. Text is UTF-8, already normalized: source
 * line breaks inside a paragraph became nothing between two Han characters (clreq
 * CL-LB-12) and one space elsewhere; tabs became spaces. src is the byte offset in
 * the source file of text[0] when the span is verbatim source (src_verbatim), else of
 * the construct that produced it. */
typedef struct {
    char *text;
    unsigned flags;
    char *href;               /* IN_LINK only */
    size_t src;
    bool src_verbatim;
} doc_inline;

typedef struct {
    doc_inline *in;
    int nin;
} doc_text;

typedef enum {
    DOC_SECTION,              /* "#": 企业动态, 政策法规, 协会动态, 行业动态 */
    DOC_ARTICLE,              /* "##": an article title */
    DOC_HEADING,              /* "###"…"######": level 3…6 */
    DOC_PARA,
    DOC_ITEM,                 /* one list item's text; level = nesting depth (1…) */
    DOC_SOURCE,               /* （来源：…） / （文件来源：…） line, set flush right */
    DOC_TABLE,
    DOC_FIGURE,
    DOC_CHART,
    DOC_RULE,                 /* thematic break */
    DOC_CODE,                 /* a code block: lines in IN_CODE, IN_BR between them */
    DOC_SIGNATURE,            /* 落款: issuing bodies and date, lines flush right */
} doc_kind;

typedef enum { ALIGN_AUTO, ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT } doc_align;

typedef struct {
    doc_text text;
    int colspan, rowspan;     /* >= 1 */
    bool header;              /* <th> or the GFM header row */
    doc_align align;
} doc_cell;

typedef struct {
    doc_cell *cells;          /* in source order; spanned positions are not repeated */
    int ncells;
    bool header;              /* a header row (repeated when the table breaks) */
} doc_row;

typedef struct {
    doc_row *rows;
    int nrows;
    int ncols;                /* grid width after spans are resolved */
    doc_text caption;         /* may be empty */
} doc_table;

typedef struct {
    char *path;               /* resolved: relative to the issue directory */
    image_info info;          /* checked by the reader: every sample decodes */
    doc_text caption;         /* the image's alt text */
} doc_figure;

typedef enum { CHART_BAR, CHART_GROUPED_BAR, CHART_LINE, CHART_PIE } doc_chart_type;

typedef struct {
    char *name;
    double *values;           /* one per label */
} doc_series;

/* ```chart
 * type: bar | grouped-bar | line | pie
 * title: 珠海市及各区12月服务外包执行
 * unit: 万美元
 * labels: 横琴新区, 香洲区, 金湾区
 * series: 执行金额 | 35863.0, 8232.2, 849.4
 * ```   (one "series:" line per series; commas or 、 separate values and labels) */
typedef struct {
    doc_chart_type type;
    char *title;
    char *unit;
    char **labels;
    int nlabels;
    doc_series *series;
    int nseries;
} doc_chart;

typedef struct {
    doc_kind kind;
    int level;                /* heading level 1…6; list depth for DOC_ITEM */
    char *marker;             /* DOC_ITEM: "1.", "2)", "•" as it should print */
    int quote;                /* depth inside block quotes (0: none) */
    doc_text text;            /* heading, paragraph, item, source line */
    doc_table *table;
    doc_figure *figure;
    doc_chart *chart;
    size_t src;               /* byte offset of the block in the source */
} doc_block;

/* Front matter. Required: association, title, number, issue, month. */
typedef struct {
    char *association;        /* 珠海市服务贸易和外包行业协会 */
    char *association_en;     /* Zhuhai Association of Service Trade and Outsourcing */
    char *title;              /* 简报 */
    char *number;             /* 珠外协编【2019年3月报】 */
    char *issue;              /* 总第29期 */
    char *month;              /* 2019-03 */
    char *date;               /* 2019-03-31 (publication date; PDF dates) */
    char *editor;             /* 主编 */
    char *typesetter;         /* 排版 */
    char *phone;              /* 电话 */
    char *fax;                /* 传真 */
    char *email;
    char *address;
    char *website;            /* http://www.zasto.org.cn */
    char *style;              /* style sheet name in styles/ (default "zasto") */
    char *keywords;
    char *lang;               /* language of the text, a BCP 47 tag (default "zh-CN") */
    size_t issue_at, month_at, style_at;  /* where those values are in the source
                                             (byte offsets; 0 when not given) */
} doc_meta;

typedef struct {
    doc_meta meta;
    doc_block *blocks;
    int nblocks;
    src_file *src;            /* the source, for positions in later messages */
    char *dir;                /* the issue directory */
} doc;

/* How to read. The defaults (all false) are doc_read's. */
typedef struct {
    bool allow_outside;       /* figures may lie outside the issue folder (absolute
                                 paths, ../, symbolic links leading out of it) */
    bool front_matter_only;   /* stop after the front matter: meta only, no blocks */
} doc_options;

/* Reads issues/<…>/issue.md (path to the file or to its directory). Reports every
 * problem through d (file:line:col); returns NULL when any error was found. A figure
 * must lie inside the issue folder (after symbolic links are followed). */
doc *doc_read(const char *path, diag *d);
doc *doc_read_with(const char *path, const doc_options *o, diag *d);
/* The same from text in memory (tests, fuzzing); dir resolves figure paths. */
doc *doc_read_mem(const char *name, const char *text, size_t len, const char *dir, diag *d);
void doc_free(doc *doc);
/* Frees the blocks only (nblocks becomes 0); the front matter and the source stay: once
 * laid out, the writer needs no more of the body. */
void doc_free_body(doc *doc);

/* Concatenated plain text of a doc_text (caller frees). */
char *doc_text_plain(const doc_text *t);
/* Frees a doc_text's inlines (texts and links) and empties it. */
void doc_text_clear(doc_text *t);

#endif
