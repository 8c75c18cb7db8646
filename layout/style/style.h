/* style — the house style sheet: every number the layout uses.
 *
 * Format: INI (read with inih). Sizes take units pt, mm, cm, in, em (of the body
 * size) or a Chinese 字号 name (初号 42 … 五号 10.5 … 七号 5.5, CL-GR-06); colours
 * are "gray G" (0 black … 1 white) or "cmyk C M Y K" (0…1, or 0…100 with %).
 * Unknown sections or keys are errors, reported as file:line:col.
 *
 *   [page]     width height (or size = A4) margin-top margin-bottom margin-inner
 *              margin-outer columns column-gap column-rule (rule width, 0 = none)
 *              section-new-page (yes/no) section-run-in (yes/no)
 *              section-run-in-space widows (yes/no) bleed
 *   [fonts]    latin (family for Latin and digits) latin-style fallback (comma list)
 *              bold (face for **bold**, "Noto Sans CJK SC:Bold": Chinese bold is set
 *              in Hei, never faked) emphasis (face for *em*, Kai: Chinese is never
 *              slanted) mono (face for `code`)
 *   [body] [section] [article] [h3] [h4] [h5] [h6] [caption] [table] [table-head]
 *   [quote] [source] [code] [signature] [header] [footer] [toc] [toc-section] [opener]
 *   [cover-title] [cover-org] [cover-org-en] [cover-info]
 *              family style size leading (line pitch as a multiple of size, or
 *              an absolute size) color space-before space-after (in lines of the
 *              body pitch or units) indent align (left/center/right/justify)
 *   [section] [article] [h3]…[h6]  + balance (yes/no) phrase-balance (a share)
 *              keep-brackets (characters) keep-words (yes/no)
 *   [clreq]    strictness (loose/basic/strict) compress (yes/no) hanging (yes/no)
 *              han-latin (¼em) han-latin-min han-latin-max indent (2em)
 *              last-line-min (2 characters) fullwidth-punct (yes/no) range-dash
 *              (hyphen | en-dash | tilde) max-spread (0.25em) token-penalty
 *   [code]     + frame (tint | rules | none) background rule padding wrap-indent
 *              wrap-mark span (yes/no) whole (lines)
 *   [list]     step label-width label-gap
 *   [opener]   + tags ("name: tag | name: tag") rule rule-gap running-head (yes/no):
 *              a section's first page (its text kind sets the English tag)
 *   [running]  header-odd-left header-odd-right header-even-left header-even-right
 *              footer-odd footer-even rule (width of the rule under the header)
 *              Templates may use {title} {issue} {number} {section} {page}
 *              {website} {association}.
 *   [table]    rules (grid | three-line) min-size padding
 *   [cover]    band-color band-height (a band at the top that bleeds off the page)
 *   [press]    standard (none | x1a | x4) profile (path to .icc) condition
 *              (OutputConditionIdentifier) condition-info bleed crop-marks pad-to-4
 *   [colors]   accent rule
 */
#ifndef JB_STYLE_H
#define JB_STYLE_H

#include <stdbool.h>

#include "layout/base/diag.h"
#include "layout/dlist/dlist.h"

typedef enum { AL_LEFT, AL_CENTER, AL_RIGHT, AL_JUSTIFY } style_align;

/* One kind of text: font, size, spacing. */
typedef struct {
    char *family;
    char *style;              /* "Regular", "Bold", … */
    float size;               /* pt */
    float leading;            /* line pitch, pt */
    dl_color color;
    float space_before, space_after;   /* pt */
    float indent;             /* first-line indent, pt */
    style_align align;
    /* headings only ([section] [article] [h3]…[h6]); 0 and false elsewhere */
    int keep_brackets;        /* a bracketed group of up to this many characters is not
                                 broken across lines (0: no such rule) */
    float phrase_balance;     /* balanced lines end phrases (after ，、；：。 or a space)
                                 when the shortest is still this share of the longest */
    bool balance;             /* lines as even as the breaks allow, none added */
    bool keep_words;          /* Han text breaks between words only, unless that costs
                                 a line */
} style_text;

typedef enum { STRICT_LOOSE, STRICT_BASIC, STRICT_STRICT } style_strictness;

typedef enum { TABLE_GRID, TABLE_THREE_LINE } style_table_rules;

typedef enum { PRESS_NONE, PRESS_X1A, PRESS_X4 } style_press;

typedef enum { FRAME_TINT, FRAME_RULES, FRAME_NONE } style_frame;

typedef enum { RANGE_HYPHEN, RANGE_EN_DASH, RANGE_TILDE } style_range;

typedef struct {
    /* [page] */
    float page_w, page_h;
    float margin_top, margin_bottom, margin_inner, margin_outer;
    int columns;
    float column_gap;         /* pt; a whole number of body ems (CL-GR-04) */
    float column_rule;        /* pt, 0 = none */
    bool section_new_page;
    bool section_run_in;      /* …unless the last would leave a page almost empty */
    float section_run_in_space;   /* pt above a section run in under the last */
    bool widows;              /* avoid a paragraph's last line at a column top */

    /* [fonts] */
    char *latin_family, *latin_style;
    char *bold_family, *bold_style;
    char *em_family, *em_style;
    char *mono_family, *mono_style;
    char **fallback;
    int nfallback;

    /* text kinds */
    style_text body, section, article, h[7] /* h[3]…h[6] */, caption, table, table_head,
        quote, source, code, signature, header, footer, toc, toc_section, opener, cover_title,
        cover_org, cover_org_en, cover_info;

    /* [clreq] */
    style_strictness strictness;
    bool compress;
    bool hanging;
    float han_latin, han_latin_min, han_latin_max;   /* em */
    int last_line_min;        /* characters on a paragraph's last line */
    bool fullwidth_punct;     /* ASCII ( ) , : ; ! ? touching Han set full width (GB/T 15834) */
    style_range range_dash;   /* how the dash of 10:00-12:00, 15-16日 is set */
    float max_spread;         /* em between Han characters beyond which is a last resort */
    int token_penalty;        /* cost of breaking inside a path, URL or option name */

    /* [code] own keys */
    style_frame code_frame;
    dl_color code_background;
    float code_rule;          /* width of the rules above and below (frame = rules) */
    float code_padding;       /* around the code inside its tint or rules */
    float code_wrap_indent;   /* a wrapped code line continues this far in */
    char *code_wrap_mark;     /* drawn before a wrapped line's continuation */
    bool code_span;           /* a block too wide for a column may span the columns */
    int code_whole;           /* blocks of up to this many lines are never broken */

    /* [running] */
    char *header_odd_left, *header_odd_right, *header_even_left, *header_even_right;
    char *footer_odd, *footer_even;
    float header_rule;
    float header_gap, header_rule_gap, footer_gap;   /* × the header's / footer's size */

    /* [opener] the first page of a section: its name with an English tag (the text
     * kind's), a rule under them, and no running head */
    char *opener_tags;        /* "企业动态: Enterprise News | 政策法规: …" */
    float opener_rule;        /* width; 0 for none */
    float opener_rule_gap;    /* below the name's baseline, × the name's size */
    bool opener_running_head; /* the running head stays on an opener page */

    /* [script] sub- and superscripts, × the size of the text they are in */
    float script_size, script_rise, script_drop;

    /* [quote] [list] [break] */
    float quote_inset;        /* per level of quoting */
    float list_step;          /* per level of nesting */
    float list_label_width;   /* a list label's box (1. • （一）) at the least */
    float list_label_gap;     /* after a label that does not end in a full-width mark */
    float break_width, break_weight;   /* the thematic break's rule */

    /* [figure] */
    float figure_span_aspect; /* wider than this (w/h) spans the columns */
    float figure_max_height;  /* share of the text area's height */
    float figure_caption_gap; /* × the caption's size */

    /* [toc] own keys */
    float toc_title_gap;      /* "CONTENTS" after "目录", × the heading's size */
    float toc_rule, toc_rule_gap, toc_after_rule;   /* rule width; gaps × heading size */
    float toc_indent, toc_number_width, toc_leader_gap;   /* × the entry's size */
    float toc_leader_pitch, toc_leader_dot;

    /* [table] */
    style_table_rules table_rules;
    float table_min_size;
    float table_padding;

    /* [cover] */
    dl_color cover_band;
    float cover_band_height;
    float cover_name_baseline;  /* share of the band's height */
    float cover_name_en_gap;    /* × the name's size */
    float cover_title_baseline; /* below the band, × the title's size */
    float cover_title_rule, cover_title_rule_gap;   /* rule width; gap × the title's size */
    float cover_number_gap, cover_contents_gap;     /* × the info line's size */
    int cover_box_lines;        /* height of the editorial box, in its lines */
    float cover_box_rule;
    int cover_highlights;       /* articles shown per section in 本期要目 */

    /* [colors] */
    dl_color accent, rule;

    /* [press] */
    style_press press;
    char *press_profile;
    char *press_condition, *press_condition_info;
    float bleed;
    bool crop_marks;
    bool pad_to_4;

    char *path;               /* the file it was read from */
} style;

/* Built-in defaults (the house style's values), then the file's settings on top.
 * Returns NULL when the file has any error (all reported through d). */
style *style_read(const char *path, diag *d);
style *style_read_mem(const char *name, const char *text, diag *d);
style *style_default(void);
void style_free(style *s);

/* Parses a length ("10.5pt", "20mm", "2em", "五号"); em is relative to em_pt.
 * Returns false when it is not a length. */
bool style_parse_length(const char *s, float em_pt, float *out);
bool style_parse_color(const char *s, dl_color *out);

#endif
