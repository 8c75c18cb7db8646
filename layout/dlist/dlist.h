/* dlist — the display list: what every page shows, in points, nothing else.
 *
 * Coordinates are in PDF points with the origin at the top-left corner of the trim
 * box (the finished A4 page) and y growing downwards; the writer adds bleed and flips
 * y. Layout produces a dl_doc; tests assert on it; the PDF writer draws exactly it. */
#ifndef JB_DLIST_H
#define JB_DLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Colour: DeviceGray (v[0] = gray level, 0 black … 1 white) or DeviceCMYK (v[0..3]
 * in 0…1). Only these two, as print shops require. */
typedef enum { DL_GRAY, DL_CMYK } dl_model;
typedef struct {
    dl_model model;
    float v[4];
} dl_color;

typedef struct {
    uint32_t gid;
    float x, y;               /* pen position of the glyph origin, relative to the run */
    uint32_t text, ntext;     /* the characters it stands for: bytes in the run's text
                                 (ntext 0 for the 2nd… glyph of a cluster) */
} dl_glyph;

typedef enum { DL_TEXT, DL_RULE, DL_RECT, DL_PATH, DL_IMAGE, DL_LINK } dl_kind;

typedef enum { DL_MOVE, DL_LINE, DL_CURVE, DL_CLOSE } dl_op;
typedef struct {
    dl_op op;
    float p[6];
} dl_path_el;

/* What an item is part of, so tests (and tagged output later) can tell body text
 * from headings and furniture without guessing from sizes. */
typedef enum {
    DL_ROLE_NONE,
    DL_ROLE_BODY,             /* paragraph, list item, quote, source line */
    DL_ROLE_HEADING,          /* inner heading (### …) */
    DL_ROLE_TITLE,            /* article or section title band */
    DL_ROLE_RUNNING,          /* running head or foot */
    DL_ROLE_TOC,
    DL_ROLE_COVER,
    DL_ROLE_BOX,              /* table, figure, chart */
} dl_role;

typedef struct {
    dl_kind kind;
    uint8_t role;             /* dl_role, from dl_doc.role when the item was added */
    int16_t col;              /* column of the flow (-1: none) */
    int32_t block;            /* the document block it shows (-1: none), from dl_doc.block */
    int32_t elem;             /* structure element (dl_elem index), or DL_ARTIFACT… */
    dl_color color;           /* text fill, rule/stroke colour, rect fill */
    union {
        struct {
            int font;         /* font_lib id */
            float size;       /* pt */
            float x, y;       /* baseline origin */
            dl_glyph *g;
            uint32_t ng;
            uint16_t link;    /* 1 + index in dl_doc.uris: the run is a link; 0: not */
            bool code;        /* the run is inline code */
            char *text;       /* UTF-8 of the run (ToUnicode source) */
        } text;
        struct {
            float x0, y0, x1, y1, width;
        } rule;
        struct {
            float x, y, w, h;
            float stroke_width; /* > 0: stroked with stroke colour instead of filled */
            dl_color stroke;
        } rect;
        struct {
            dl_path_el *el;
            uint32_t n;
            bool fill, stroke;
            float width;
            dl_color stroke_color;
        } path;
        struct {
            int image;        /* index in dl_doc.images */
            float x, y, w, h;
        } image;
        struct {
            float x, y, w, h;
            int page;         /* destination page index */
            float dest_y;     /* destination y on that page */
        } link;
    } u;
} dl_item;

typedef struct {
    dl_item *items;
    uint32_t n;
    size_t cap;
    char *label;              /* printed page number ("" for the cover) */
    char *section;            /* section shown in the running head */
    bool opener;              /* a section's first page (its opener stands for the head) */
} dl_page;

typedef struct {
    char *path;               /* PNG or JPEG file */
    int px_w, px_h;
} dl_image;

typedef struct {
    char *title;
    int level;                /* 0 section, 1 article, 2… inner headings */
    int page;
    float y;
} dl_outline;

/* A column the flow could not fill (reported to the editor as a warning): what moved
 * on to the next column or page is block `block`. */
typedef struct {
    int page, col;            /* col -1: the whole text area */
    int block;
    float lines;              /* how short, in body lines */
} dl_gap;
/* ---- logical structure (tagged PDF) ----
 * Elements in source order, each with a parent; every item carries the element it is
 * part of (dl_item.elem) or says it is an artifact: furniture such as rules, running
 * heads, leaders and decoration, which tag-aware readers skip. */
typedef enum {
    DL_S_NONE,                /* no element: an artifact */
    DL_S_DOCUMENT,
    DL_S_SECT,                /* a section (#); as a block: the Sect and its heading */
    DL_S_ART,                 /* an article (##); as a block: the Art and its heading */
    DL_S_BLOCKQUOTE,
    DL_S_H,                   /* heading, level 1…6 */
    DL_S_P,
    DL_S_L,
    DL_S_LI,                  /* as a block: the LI, its Lbl and LBody */
    DL_S_LBL,
    DL_S_LBODY,
    DL_S_TABLE,
    DL_S_THEAD,
    DL_S_TBODY,
    DL_S_TR,
    DL_S_TH,
    DL_S_TD,
    DL_S_CAPTION,
    DL_S_FIGURE,
    DL_S_TOC,
    DL_S_TOCI,
    DL_S_LINK,
    DL_S_CODE,
} dl_stype;

/* dl_item.elem values that are not elements. */
enum {
    DL_ARTIFACT = -1,         /* layout furniture: rules, leaders, decoration */
    DL_ARTIFACT_PAGINATION = -2,   /* repeated on every page or continuation: a table's
                                      repeated header rows */
};

typedef enum { DL_SCOPE_NONE, DL_SCOPE_ROW, DL_SCOPE_COLUMN, DL_SCOPE_BOTH } dl_scope;

typedef struct {
    uint8_t type;             /* dl_stype */
    uint8_t level;            /* DL_S_H: 1…6 */
    uint8_t scope;            /* DL_S_TH: dl_scope */
    int8_t order;             /* before source order among siblings: the cover (-2) and
                                 the contents (-1) come before the body (0) */
    uint16_t rowspan, colspan;    /* DL_S_TH, DL_S_TD: > 1 when the cell spans */
    int parent;               /* -1: none (the Document) */
    char *alt;                /* DL_S_FIGURE: what it shows, in words */
    char *lang;               /* when not the document's language ("en") */
} dl_elem;

/* Where the next block's element goes, as blocks arrive in source order. */
typedef struct {
    int sect, art;            /* open Sect and Art (-1: none) */
    int quote;                /* open BlockQuote (-1: none) */
    int list[8];              /* open L per list depth 1…8 (-1: none) */
    int last_body[8];         /* the LBody of its last LI */
    int hlevel;               /* level of the last heading (0: none yet) */
} dl_tagger;

typedef struct {
    float width, height;      /* trim box, pt */
    dl_page *pages;
    int npages;
    size_t cappages;
    dl_image *images;
    int nimages;
    size_t capimages;
    dl_outline *outline;
    int noutline;
    size_t capoutline;
    dl_gap *gaps;
    int ngaps;
    size_t capgaps;
    dl_elem *elems;           /* the structure tree; elems[0] is the Document */
    int nelems;
    size_t capelems;
    dl_tagger tag;
    bool tag_failed;          /* memory ran out building the tree: the writer reports */
    char **uris;              /* link targets of text runs */
    int nuris;
    size_t capuris;
    /* document information */
    char *title, *subject, *author, *keywords, *creator;
    char *lang;               /* BCP 47 language tag of the text ("zh-CN") */
    /* stamped on items as they are added */
    dl_role role;
    int col;
    int block;
    int elem;                 /* structure element or DL_ARTIFACT… (dl_item.elem) */
} dl_doc;

dl_doc *dl_doc_new(float width, float height);
void dl_doc_free(dl_doc *d);

/* The most pages a document has. A 简报 has some 80 pages and a year bound in one
 * volume under 1,000; each page of text costs about a third of a megabyte until it is
 * written, and libharu cannot add page 32,768 (100,000 sections took 5.9 GB, then
 * failed there). */
#define DL_MAX_PAGES 2000

/* Appends a page; returns its index, or -1 when memory runs out or the document has
 * DL_MAX_PAGES pages already. */
int dl_page_add(dl_doc *d);
/* Drops the pages from index n on (a layout pass is being redone). */
void dl_truncate(dl_doc *d, int n);
/* Frees page p's items (it has been written out); the page, its label and section stay. */
void dl_page_clear(dl_doc *d, int p);
/* Appends an item to page p; returns it zeroed except kind, or NULL. */
dl_item *dl_item_add(dl_doc *d, int page, dl_kind kind);

/* A text run: the glyph array and text are copied into the item. */
dl_item *dl_text_add(dl_doc *d, int page, int font, float size, dl_color color, float x,
                     float y, const dl_glyph *g, uint32_t ng, const char *text, size_t ntext);
dl_item *dl_rule_add(dl_doc *d, int page, float x0, float y0, float x1, float y1,
                     float width, dl_color color);
dl_item *dl_rect_add(dl_doc *d, int page, float x, float y, float w, float h, dl_color fill);
int dl_image_add(dl_doc *d, const char *path, int px_w, int px_h);
int dl_outline_add(dl_doc *d, const char *title, int level, int page, float y);
int dl_gap_add(dl_doc *d, int page, int col, int block, float lines);

/* ---- structure ----
 * Failures (memory) set d->tag_failed and return DL_ARTIFACT: layout goes on, and the
 * writer reports them. */

/* A new element of type under parent (-1: under the Document, created on first use). */
int dl_elem_add(dl_doc *d, dl_stype type, int parent);
/* Opens a Sect (closing whatever is open) or an Art (inside the open Sect) that the next
 * blocks go into; order places it among its siblings (see dl_elem.order). */
int dl_tag_open(dl_doc *d, dl_stype type, int order);
/* The element of the next block in source order, in the open Art or Sect: a heading
 * (DL_S_H, levels renumbered so that none is skipped; DL_S_SECT and DL_S_ART open their
 * container first and return its heading), a paragraph, a list item (level = depth:
 * returns the LBody, the Lbl in *lbl), a table, a figure… quote > 0: inside a block
 * quote. Any block but a list item ends the open lists. DL_S_NONE: DL_ARTIFACT. */
int dl_tag_block(dl_doc *d, dl_stype type, int level, int quote, int *lbl);
/* Among items [from, n) of page, the first nbytes of text (a list item's marker) go to
 * elem; the text item they end in is split in two there. */
void dl_tag_split(dl_doc *d, int page, uint32_t from, size_t nbytes, int elem);
/* The value for dl_item.u.text.link: 1 + the index of uri in d->uris (added once). */
uint16_t dl_uri_add(dl_doc *d, const char *uri);

/* Replaces a string field (label, section, info) with a copy of s. */
int dl_set_str(char **field, const char *s);

dl_color dl_gray(float g);
dl_color dl_cmyk(float c, float m, float y, float k);

#endif
