/* The style sheet: the house style built in and in styles/zasto.ini, lengths in every
 * unit and 字号 (CL-GR-06), colours, settings that depend on the body size and pitch,
 * and the exact message for each mistake. */
#include "testutil.h"

#include <dirent.h>
#include <math.h>

#include "layout/style/style.h"

#define MM(x) ((float)((x) * 72 / 25.4))

/* Reads text as a style file; *msgs gets what was reported (caller frees). */
static style *read_style(const char *text, char **msgs)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    diag d;
    diag_init(&d, f);
    style *s = style_read_mem("t.ini", text, &d);
    fclose(f);
    assert_true((s != NULL) == (d.errors == 0));
    if (msgs)
        *msgs = buf;
    else
        free(buf);
    return s;
}

static void assert_near(float got, double want)
{
    if (fabs((double)got - want) > 1e-4)
        fail_msg("got %.6f, want %.6f", (double)got, want);
}

static void assert_color(dl_color c, dl_model m, float a, float b, float cc, float k)
{
    assert_int_equal(c.model, m);
    assert_near(c.v[0], a);
    assert_near(c.v[1], b);
    assert_near(c.v[2], cc);
    assert_near(c.v[3], k);
}

static void assert_text(const style_text *t, const char *family, const char *st, double size,
                        double leading, double before, double after, double indent,
                        style_align align)
{
    assert_string_equal(t->family, family);
    assert_string_equal(t->style, st);
    assert_near(t->size, size);
    assert_near(t->leading, leading);
    assert_near(t->space_before, before);
    assert_near(t->space_after, after);
    assert_near(t->indent, indent);
    assert_int_equal(t->align, align);
}

/* ---- the house style ------------------------------------------------------------ */

static void test_house_style(void **state)
{
    (void)state;
    style *s = style_default();
    assert_non_null(s);
    assert_near(s->page_w, MM(210));
    assert_near(s->page_h, MM(297));
    assert_near(s->margin_top, MM(20));
    assert_near(s->margin_bottom, MM(20));
    assert_near(s->margin_inner, MM(18));
    assert_near(s->margin_outer, MM(18));
    assert_int_equal(s->columns, 2);
    assert_near(s->column_gap, 21);
    assert_near(s->column_rule, 0.3);
    assert_true(s->section_new_page);
    assert_true(s->widows);
    assert_string_equal(s->latin_family, "Noto Serif CJK SC");
    assert_string_equal(s->latin_style, "Regular");
    assert_string_equal(s->bold_family, "Noto Sans CJK SC");
    assert_string_equal(s->bold_style, "Bold");
    assert_string_equal(s->em_family, "LXGW WenKai");
    assert_string_equal(s->em_style, "Regular");
    assert_string_equal(s->mono_family, "Noto Sans Mono CJK SC");
    assert_string_equal(s->mono_style, "Regular");
    assert_int_equal(s->nfallback, 3);
    assert_string_equal(s->fallback[0], "Noto Sans CJK SC");
    assert_string_equal(s->fallback[1], "DejaVu Sans");
    assert_string_equal(s->fallback[2], "DejaVu Serif");

    const double pitch = 10.5 * 1.47;
    assert_text(&s->body, "Noto Serif CJK SC", "Regular", 10.5, pitch, 0, 0, 21, AL_JUSTIFY);
    assert_color(s->body.color, DL_CMYK, 0, 0, 0, 1);
    assert_text(&s->section, "Noto Sans CJK SC", "Bold", 22, 22 * 1.4, 0, pitch, 0, AL_LEFT);
    assert_color(s->section.color, DL_CMYK, 1, 0.6f, 0, 0.2f);   /* accent */
    /* Headings and titles are ragged (issue 11). */
    assert_text(&s->article, "Noto Sans CJK SC", "Bold", 15, 15 * 1.4, 1.5 * pitch, 0.5 * pitch,
                0, AL_LEFT);
    assert_text(&s->h[3], "Noto Sans CJK SC", "Bold", 12, pitch, 0.5 * pitch, 0, 0, AL_LEFT);
    assert_text(&s->h[4], "Noto Sans CJK SC", "Bold", 10.5, pitch, 0.5 * pitch, 0, 0, AL_LEFT);
    assert_text(&s->h[5], "Noto Serif CJK SC", "Bold", 10.5, pitch, 0.5 * pitch, 0, 0, AL_LEFT);
    assert_text(&s->h[6], "Noto Serif CJK SC", "Bold", 10.5, pitch, 0.5 * pitch, 0, 0, AL_LEFT);
    /* h[level] works for every heading level. */
    assert_text(&s->h[1], "Noto Sans CJK SC", "Bold", 22, 22 * 1.4, 0, pitch, 0, AL_LEFT);
    assert_text(&s->h[2], "Noto Sans CJK SC", "Bold", 15, 15 * 1.4, 1.5 * pitch, 0.5 * pitch, 0,
                AL_LEFT);
    /* ... balanced, and broken neither inside a bracketed group of up to 16 characters
     * nor inside a word (CL-PA-09, CL-LB-14); other text is not. */
    const style_text *heads[] = { &s->section, &s->article, &s->h[1], &s->h[2], &s->h[3],
                                  &s->h[4], &s->h[5], &s->h[6] };
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
        assert_true(heads[i]->balance);
        assert_near(heads[i]->phrase_balance, 0.6);
        assert_int_equal(heads[i]->keep_brackets, 16);
        assert_true(heads[i]->keep_words);
    }
    const style_text *others[] = { &s->body, &s->h[0], &s->caption, &s->table, &s->quote,
                                   &s->toc, &s->source, &s->signature };
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        assert_false(others[i]->balance);
        assert_near(others[i]->phrase_balance, 0);
        assert_int_equal(others[i]->keep_brackets, 0);
        assert_false(others[i]->keep_words);
    }
    assert_text(&s->caption, "LXGW WenKai", "Regular", 9, 9 * 1.4, 0, 0, 0, AL_CENTER);
    assert_text(&s->table, "Noto Serif CJK SC", "Regular", 9, 9 * 1.4, 0, 0, 0, AL_LEFT);
    assert_text(&s->table_head, "Noto Sans CJK SC", "Bold", 9, 9 * 1.4, 0, 0, 0, AL_CENTER);
    assert_text(&s->quote, "LXGW WenKai", "Regular", 10.5, pitch, 0, 0, 21, AL_JUSTIFY);
    assert_text(&s->source, "LXGW WenKai", "Regular", 9, pitch, 0, 0, 0, AL_RIGHT);
    assert_text(&s->header, "Noto Sans CJK SC", "Regular", 9, 9 * 1.2, 0, 0, 0, AL_LEFT);
    assert_color(s->header.color, DL_GRAY, 0.25f, 0, 0, 0);
    assert_text(&s->footer, "Noto Sans CJK SC", "Regular", 9, 9 * 1.2, 0, 0, 0, AL_LEFT);
    assert_color(s->footer.color, DL_GRAY, 0.25f, 0, 0, 0);
    assert_text(&s->toc, "Noto Serif CJK SC", "Regular", 10.5, 10.5 * 1.75, 0, 0, 0, AL_LEFT);
    assert_text(&s->toc_section, "Noto Sans CJK SC", "Bold", 12, 12 * 1.5, 0.5 * pitch, 0, 0,
                AL_LEFT);
    assert_text(&s->cover_title, "Noto Serif CJK SC", "Bold", 80, 96, 0, 0, 0, AL_CENTER);
    assert_text(&s->cover_org, "Noto Sans CJK SC", "Bold", 22, 22 * 1.3, 0, 0, 0, AL_CENTER);
    assert_text(&s->cover_org_en, "Noto Serif CJK SC", "Regular", 12, 12 * 1.3, 0, 0, 0,
                AL_CENTER);
    assert_text(&s->cover_info, "Noto Sans CJK SC", "Regular", 10.5, 10.5 * 1.6, 0, 0, 0,
                AL_LEFT);

    assert_int_equal(s->strictness, STRICT_STRICT);
    assert_true(s->compress);
    assert_false(s->hanging);
    assert_near(s->han_latin, 0.25);
    assert_near(s->han_latin_min, 0.125);
    assert_near(s->han_latin_max, 0.333);
    assert_int_equal(s->last_line_min, 2);

    assert_string_equal(s->header_odd_left, "{title}  {issue}");
    assert_string_equal(s->header_odd_right, "{section}");
    assert_string_equal(s->header_even_left, "{section}");
    assert_string_equal(s->header_even_right, "{title}  {issue}");
    assert_string_equal(s->footer_odd, "{website}    {page}");
    assert_string_equal(s->footer_even, "{page}    {website}");
    assert_near(s->header_rule, 0.5);
    assert_near(s->header_gap, 1.3);
    assert_near(s->header_rule_gap, 0.75);
    assert_near(s->footer_gap, 2.2);
    assert_near(s->script_size, 0.62);
    assert_near(s->script_rise, 0.36);
    assert_near(s->script_drop, 0.14);
    assert_near(s->quote_inset, 21);
    assert_near(s->list_step, 21);
    assert_near(s->break_width, 42);
    assert_near(s->break_weight, 0.5);
    assert_near(s->figure_span_aspect, 1.6);
    assert_near(s->figure_max_height, 0.6);
    assert_near(s->figure_caption_gap, 0.6);
    assert_near(s->toc_title_gap, 0.6);
    assert_near(s->toc_rule, 1);
    assert_near(s->toc_rule_gap, 0.4);
    assert_near(s->toc_after_rule, 0.6);
    assert_near(s->toc_indent, 1);
    assert_near(s->toc_number_width, 3);
    assert_near(s->toc_leader_gap, 0.5);
    assert_near(s->toc_leader_pitch, 3);
    assert_near(s->toc_leader_dot, 0.7);

    assert_int_equal(s->table_rules, TABLE_THREE_LINE);
    assert_near(s->table_min_size, 6.5);
    assert_near(s->table_padding, 0.3 * 10.5);
    assert_color(s->cover_band, DL_CMYK, 1, 0.6f, 0, 0.2f);
    assert_near(s->cover_band_height, MM(62));
    assert_near(s->cover_name_baseline, 0.45);
    assert_near(s->cover_name_en_gap, 1.4);
    assert_near(s->cover_title_baseline, 1.25);
    assert_near(s->cover_title_rule, 2);
    assert_near(s->cover_title_rule_gap, 0.35);
    assert_near(s->cover_number_gap, 1.9);
    assert_near(s->cover_contents_gap, 2);
    assert_int_equal(s->cover_box_lines, 4);
    assert_near(s->cover_box_rule, 0.75);
    assert_int_equal(s->cover_highlights, 3);
    assert_color(s->accent, DL_CMYK, 1, 0.6f, 0, 0.2f);
    assert_color(s->rule, DL_GRAY, 0.4f, 0, 0, 0);

    assert_int_equal(s->press, PRESS_NONE);
    assert_string_equal(s->press_profile, "");
    assert_string_equal(s->press_condition, "FOGRA39");
    assert_string_equal(s->press_condition_info, "Coated FOGRA39 (ISO 12647-2:2004)");
    assert_near(s->bleed, MM(3));
    assert_false(s->crop_marks);
    assert_false(s->pad_to_4);
    assert_null(s->path);
    style_free(s);
}

/* Two styles hold the same settings (the path aside). */
static void assert_same_style(const style *a, const style *b)
{
    style x, y;
    memcpy(&x, a, sizeof x);
    memcpy(&y, b, sizeof y);
    style_text *ta[] = { &x.body, &x.section, &x.article, &x.h[0], &x.h[1], &x.h[2], &x.h[3],
                         &x.h[4], &x.h[5], &x.h[6], &x.caption, &x.table, &x.table_head,
                         &x.quote, &x.source, &x.code, &x.signature, &x.header, &x.footer,
                         &x.toc, &x.toc_section, &x.opener,
                         &x.cover_title, &x.cover_org, &x.cover_org_en, &x.cover_info };
    style_text *tb[] = { &y.body, &y.section, &y.article, &y.h[0], &y.h[1], &y.h[2], &y.h[3],
                         &y.h[4], &y.h[5], &y.h[6], &y.caption, &y.table, &y.table_head,
                         &y.quote, &y.source, &y.code, &y.signature, &y.header, &y.footer,
                         &y.toc, &y.toc_section, &y.opener,
                         &y.cover_title, &y.cover_org, &y.cover_org_en, &y.cover_info };
    for (size_t i = 0; i < sizeof ta / sizeof ta[0]; i++) {
        assert_string_equal(ta[i]->family, tb[i]->family);
        assert_string_equal(ta[i]->style, tb[i]->style);
        ta[i]->family = ta[i]->style = tb[i]->family = tb[i]->style = NULL;
    }
    char **sa[] = { &x.latin_family, &x.latin_style, &x.bold_family, &x.bold_style,
                    &x.em_family, &x.em_style, &x.mono_family, &x.mono_style, &x.header_odd_left, &x.header_odd_right,
                    &x.header_even_left, &x.header_even_right, &x.footer_odd, &x.footer_even,
                    &x.press_profile, &x.press_condition, &x.press_condition_info,
                    &x.code_wrap_mark, &x.opener_tags };
    char **sb[] = { &y.latin_family, &y.latin_style, &y.bold_family, &y.bold_style,
                    &y.em_family, &y.em_style, &y.mono_family, &y.mono_style, &y.header_odd_left, &y.header_odd_right,
                    &y.header_even_left, &y.header_even_right, &y.footer_odd, &y.footer_even,
                    &y.press_profile, &y.press_condition, &y.press_condition_info,
                    &y.code_wrap_mark, &y.opener_tags };
    for (size_t i = 0; i < sizeof sa / sizeof sa[0]; i++) {
        assert_string_equal(*sa[i], *sb[i]);
        *sa[i] = *sb[i] = NULL;
    }
    assert_int_equal(x.nfallback, y.nfallback);
    for (int i = 0; i < x.nfallback; i++)
        assert_string_equal(x.fallback[i], y.fallback[i]);
    x.fallback = y.fallback = NULL;
    x.path = y.path = NULL;
    assert_memory_equal(&x, &y, sizeof x);
}

/* The built-in house style is styles/zasto.ini as the Makefile builds it in: reading
 * the file gives the same style, and so does an empty file on top of it. */
static void test_zasto_ini(void **state)
{
    (void)state;
    diag d;
    diag_init(&d, stderr);
    style *file = style_read("styles/zasto.ini", &d), *house = style_default();
    assert_non_null(file);
    assert_non_null(house);
    assert_string_equal(file->path, "styles/zasto.ini");
    assert_same_style(file, house);
    style_free(file);
    style *empty = style_read_mem("e.ini", "", &d);
    assert_non_null(empty);
    assert_string_equal(empty->path, "e.ini");
    assert_same_style(empty, house);
    style_free(empty);
    style_free(house);
    assert_int_equal(d.errors, 0);
}

/* ---- values --------------------------------------------------------------------- */

static void test_lengths(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        double pt;
    } ok[] = {
        { "10.5pt", 10.5 }, { "20mm", 56.692913 }, { "2cm", 56.692913 },
        { "1in", 72 }, { "0.5in", 36 }, { "2em", 21 }, { ".25em", 2.625 }, { "0", 0 },
        { " 3 mm ", 8.503937 }, { "12PT", 12 }, { "初号", 42 }, { "小初", 36 }, { "一号", 26 },
        { "小一", 24 }, { "二号", 22 }, { "小二", 18 }, { "三号", 16 }, { "小三", 15 },
        { "四号", 14 }, { "小四", 12 }, { "五号", 10.5 }, { "小五", 9 }, { "六号", 7.5 },
        { "小六", 6.5 }, { "七号", 5.5 },
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        float v = -1;
        if (!style_parse_length(ok[i].s, 10.5f, &v))
            fail_msg("'%s' is not read as a length", ok[i].s);
        assert_near(v, ok[i].pt);
    }
    static const char *const bad[] = { "12px", "10", "-3pt", "pt", "", "1.2.3mm", "五号半",
                                       "3 m m", "1e2pt", "em", "2 lines", "0x10pt" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        float v = -1;
        if (style_parse_length(bad[i], 10.5f, &v))
            fail_msg("'%s' was read as a length (%f)", bad[i], (double)v);
        assert_near(v, -1);
    }
}

static void test_colors(void **state)
{
    (void)state;
    dl_color c;
    assert_true(style_parse_color("gray 0.2", &c));
    assert_color(c, DL_GRAY, 0.2f, 0, 0, 0);
    assert_true(style_parse_color("grey 1", &c));
    assert_color(c, DL_GRAY, 1, 0, 0, 0);
    assert_true(style_parse_color("cmyk 0 0 0 1", &c));
    assert_color(c, DL_CMYK, 0, 0, 0, 1);
    assert_true(style_parse_color("cmyk 100% 0 0 0", &c));
    assert_color(c, DL_CMYK, 1, 0, 0, 0);
    assert_true(style_parse_color("CMYK 1, 60%, 0, 0.2", &c));
    assert_color(c, DL_CMYK, 1, 0.6f, 0, 0.2f);
    static const char *const bad[] = { "rgb 1 0 0", "cmyk 0 0 0", "gray 1.5", "cmyk 0 0 0 1 1",
                                       "gray", "gray0.5", "cmyk 0 0 0 101%", "gray -0.1", "",
                                       "accent" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        c = (dl_color){ DL_GRAY, { 9, 9, 9, 9 } };
        if (style_parse_color(bad[i], &c))
            fail_msg("'%s' was read as a colour", bad[i]);
        assert_near(c.v[0], 9);
    }
}

/* ems and lines follow the body, whichever order the file gives them in. */
static void test_dependent_values(void **state)
{
    (void)state;
    style *s = read_style("[h3]\n"
                          "size = 1.5em\n"
                          "leading = 1 line\n"
                          "space-before = 2 lines\n"
                          "space-after = 6pt\n"
                          "[article]\n"
                          "leading = 24pt\n"
                          "[section]\n"
                          "color = rule\n"
                          "[colors]\n"
                          "accent = cmyk 0 100% 100% 0\n"
                          "rule = gray 0.5\n"
                          "[cover]\n"
                          "band-color = accent\n"
                          "[body]\n"
                          "size = 12pt\n"
                          "leading = 1.5\n"
                          "  indent = 1em   ; indented keys are fine\n"
                          "[clreq]\n"
                          "han-latin = 3pt\n"
                          "han-latin-max = 0.5\n",
                          NULL);
    assert_non_null(s);
    assert_near(s->body.size, 12);
    assert_near(s->body.leading, 18);
    assert_near(s->body.indent, 12);
    assert_near(s->column_gap, 24);             /* the house 2em, of the new body size */
    assert_near(s->h[3].size, 18);
    assert_near(s->h[3].leading, 18);
    assert_near(s->h[3].space_before, 36);
    assert_near(s->h[3].space_after, 6);
    assert_near(s->article.leading, 24);
    assert_near(s->section.space_after, 18);    /* the house "1 line" */
    assert_near(s->article.space_before, 27);
    assert_color(s->section.color, DL_GRAY, 0.5f, 0, 0, 0);
    assert_color(s->cover_band, DL_CMYK, 0, 1, 1, 0);
    assert_near(s->han_latin, 0.25);
    assert_near(s->han_latin_max, 0.5);
    assert_near(s->table_padding, 0.3 * 12);
    style_free(s);
}

static void test_other_values(void **state)
{
    (void)state;
    style *s = read_style("# page\n"
                          "[page]\n"
                          "size = b5\n"
                          "width = 180mm\n"
                          "columns = 3\n"
                          "column-gap = 1em\n"
                          "section-new-page = off\n"
                          "widows = FALSE\n"
                          "bleed = 5mm\n"
                          "[fonts]\n"
                          "latin: DejaVu Serif\n"
                          "fallback = Noto Sans CJK SC\n"
                          "[running]\n"
                          "footer-odd = \"  {page} / {number} {association}\"\n"
                          "[table]\n"
                          "rules = grid\n"
                          "align = center\n"
                          "[clreq]\n"
                          "strictness = strict\n"
                          "hanging = on\n"
                          "last-line-min = 3\n"
                          "[press]\n"
                          "standard = X4\n"
                          "profile = /usr/share/color/icc/FOGRA39L_coated.icc\n"
                          "crop-marks = true\n"
                          "[cover]\n"
                          "name-baseline = 50 %\n"
                          "name-en-gap = 1.5\n"
                          "[script]\n"
                          "size = 0.7\n",
                          NULL);
    assert_non_null(s);
    assert_near(s->page_w, MM(180));
    assert_near(s->page_h, MM(250));
    assert_int_equal(s->columns, 3);
    assert_near(s->column_gap, 10.5);
    assert_false(s->section_new_page);
    assert_false(s->widows);
    assert_near(s->bleed, MM(5));
    assert_string_equal(s->latin_family, "DejaVu Serif");
    assert_int_equal(s->nfallback, 1);
    assert_string_equal(s->fallback[0], "Noto Sans CJK SC");
    assert_string_equal(s->footer_odd, "  {page} / {number} {association}");
    assert_int_equal(s->table_rules, TABLE_GRID);
    assert_int_equal(s->table.align, AL_CENTER);
    assert_int_equal(s->strictness, STRICT_STRICT);
    assert_true(s->hanging);
    assert_int_equal(s->last_line_min, 3);
    assert_int_equal(s->press, PRESS_X4);
    assert_string_equal(s->press_profile, "/usr/share/color/icc/FOGRA39L_coated.icc");
    assert_true(s->crop_marks);
    assert_near(s->cover_name_baseline, 0.5);
    assert_near(s->cover_name_en_gap, 1.5);
    assert_near(s->script_size, 0.7);
    style_free(s);

    s = read_style("[page]\nsize = letter\n", NULL);
    assert_near(s->page_w, 612);
    assert_near(s->page_h, 792);
    style_free(s);
    s = read_style("[page]\nsize = A5\n[fonts]\nfallback =\n", NULL);
    assert_near(s->page_w, MM(148));
    assert_near(s->page_h, MM(210));
    assert_int_equal(s->nfallback, 0);
    style_free(s);
}

/* The heading keys: a file may turn them off for one heading level; they belong to
 * the heading sections only. */
static void test_heading_keys(void **state)
{
    (void)state;
    style *s = read_style("[h3]\nbalance = no\nkeep-brackets = 0\nkeep-words = off\n"
                          "phrase-balance = 0\n[article]\nkeep-brackets = 24\n"
                          "phrase-balance = 0.75\n", NULL);
    assert_non_null(s);
    assert_false(s->h[3].balance);
    assert_int_equal(s->h[3].keep_brackets, 0);
    assert_false(s->h[3].keep_words);
    assert_near(s->h[3].phrase_balance, 0);
    assert_near(s->article.phrase_balance, 0.75);
    assert_true(s->article.balance);
    assert_int_equal(s->article.keep_brackets, 24);
    assert_int_equal(s->h[2].keep_brackets, 24);
    assert_true(s->h[4].balance);
    style_free(s);
    char *msgs;
    s = read_style("[body]\nbalance = yes\n[h4]\nkeep-brackets = many\n", &msgs);
    assert_null(s);
    assert_string_equal(msgs,
        "t.ini:2:1: error: unknown key 'balance' in [body]; valid keys: family, style, size, "
        "leading, color, space-before, space-after, indent, align\n"
        "t.ini:4:1: error: bad value 'many' for keep-brackets in [h4]; use a whole number from 0 "
        "to 1000\n");
    free(msgs);
}

/* ---- mistakes ------------------------------------------------------------------- */

/* Every mistake is reported with its line:col, in file order. */
static void test_errors(void **state)
{
    (void)state;
    char *msgs;
    style *s = read_style("size = A4\n"
                          "[page]\n"
                          "size = A3\n"
                          "columns = 2.5\n"
                          "column-gap = 5mm\n"
                          "[body\n"
                          "size = 12pt\n"
                          "[body]\n"
                          "size = 2em\n"
                          "leading = 2 lines\n"
                          "  colour = gray 0\n"
                          "just words\n"
                          "[h3]\n"
                          "size = 10\n"
                          "leading = -1\n"
                          "space-before = 1 lime\n"
                          "align = middle\n"
                          "[running]\n"
                          "header-odd-left = {title\n"
                          "[clreq]\n"
                          "compress = maybe\n"
                          "strictness = medium\n"
                          "[table]\n"
                          "rules = four-line\n"
                          "[press]\n"
                          "standard = x3\n"
                          "bleed = 3mm\n"
                          "[page]\n"
                          "bleed = 3mm\n"
                          "[fonts]\n"
                          "fallback = a,,b\n"
                          "latin =\n"
                          "[figure]\n"
                          "max-height = sixty\n",
                          &msgs);
    assert_null(s);
    assert_string_equal(msgs,
        "t.ini:1:1: error: 'size' is outside any section; put it under a [section] such as [page]\n"
        "t.ini:3:1: error: bad value 'A3' for size in [page]; use A4, A5, B5 or letter (or set "
        "width and height)\n"
        "t.ini:4:1: error: bad value '2.5' for columns in [page]; use a whole number from 1 to 8\n"
        "t.ini:5:1: error: bad value '5mm' for column-gap in [page]; use a whole number of body "
        "ems such as 2em (CL-GR-04)\n"
        "t.ini:6:1: error: a section header needs a closing ']', e.g. [body]\n"
        "t.ini:9:1: error: bad value '2em' for size in [body]; use a length such as 10.5pt or "
        "3.7mm, or a 字号 such as 五号 (not em: em is this size)\n"
        "t.ini:10:1: error: bad value '2 lines' for leading in [body]; use a multiple of the size "
        "such as 1.7, or a length such as 18pt (not lines: this is the line)\n"
        "t.ini:11:3: error: unknown key 'colour' in [body]; did you mean 'color'?\n"
        "t.ini:12:1: error: expected 'key = value', a [section] or a comment\n"
        "t.ini:14:1: error: bad value '10' for size in [h3]; use a length such as 10.5pt, 3mm, "
        "0.5cm, 0.2in or 2em, or a 字号 such as 五号\n"
        "t.ini:15:1: error: bad value '-1' for leading in [h3]; use a multiple of the size such "
        "as 1.5, a length such as 18pt, or lines such as '1 line'\n"
        "t.ini:16:1: error: bad value '1 lime' for space-before in [h3]; use lines of the body "
        "pitch such as '0.5 lines', or a length such as 6pt or 2mm\n"
        "t.ini:17:1: error: bad value 'middle' for align in [h3]; use left, center, right or "
        "justify\n"
        "t.ini:19:1: error: '{' without '}' in header-odd-left; fields are written {title}\n"
        "t.ini:21:1: error: bad value 'maybe' for compress in [clreq]; use yes or no (also "
        "true/false, on/off)\n"
        "t.ini:22:1: error: bad value 'medium' for strictness in [clreq]; use loose, basic or "
        "strict\n"
        "t.ini:24:1: error: bad value 'four-line' for rules in [table]; use grid or three-line\n"
        "t.ini:26:1: error: bad value 'x3' for standard in [press]; use none, x1a or x4\n"
        "t.ini:29:1: error: 'bleed' in [page] is the same setting as 'bleed' in [press] on line 27; "
        "keep one\n"
        "t.ini:31:1: error: bad value 'a,,b' for fallback in [fonts]; use a comma-separated list "
        "of font families\n"
        "t.ini:32:1: error: bad value '' for latin in [fonts]; use a name such as Noto Serif CJK "
        "SC\n"
        "t.ini:34:1: error: bad value 'sixty' for max-height in [figure]; use a number such as "
        "1.4 or a percentage such as 45%\n");
    free(msgs);
}

static void test_consistency(void **state)
{
    (void)state;
    char *msgs;
    assert_null(read_style("[page]\nmargin-inner = 100mm\nmargin-outer = 100mm\n", &msgs));
    assert_string_equal(msgs,
        "t.ini:2:1: error: the page leaves 3.7pt per column, too narrow for 2 columns of 10.5pt "
        "text; use smaller margins, a smaller gap or fewer columns\n");
    free(msgs);
    assert_null(read_style("[clreq]\nhan-latin = 0.1em\n", &msgs));
    assert_string_equal(msgs,
        "t.ini:2:1: error: the Han-Latin glue must be han-latin-min <= han-latin <= han-latin-max, "
        "here 0.125em, 0.1em, 0.333em\n");
    free(msgs);
    char line[400];
    memset(line, 'x', sizeof line);
    memcpy(line, "[body]\nfamily = ", 16);
    line[sizeof line - 1] = 0;
    assert_null(read_style(line, &msgs));
    assert_string_equal(msgs, "t.ini:2:1: error: this line is longer than 198 bytes; shorten it\n");
    free(msgs);
}

static void test_missing_file(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    diag d;
    diag_init(&d, f);
    assert_null(style_read("styles/nothing.ini", &d));
    fclose(f);
    assert_string_equal(buf, "styles/nothing.ini: error: cannot read the style sheet: No such "
                             "file or directory\n");
    free(buf);
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = malloc(4096);
    assert_non_null(buf);
    size_t n = fread(buf, 1, 4095, f);
    fclose(f);
    buf[n] = 0;
    return buf;
}

/* Each tests/bad/NAME.ini fails with exactly the first message in NAME.expected. */
static void test_bad_files(void **state)
{
    (void)state;
    DIR *dir = opendir("tests/bad");
    assert_non_null(dir);
    int count = 0;
    struct dirent *e;
    while ((e = readdir(dir))) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".ini") != 0)
            continue;
        char path[512], exp[512];
        snprintf(path, sizeof path, "tests/bad/%s", e->d_name);
        snprintf(exp, sizeof exp, "tests/bad/%.*s.expected", (int)(n - 4), e->d_name);
        char *want = read_all(exp), *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        diag d;
        diag_init(&d, f);
        style *s = style_read(path, &d);
        fclose(f);
        if (s || d.errors == 0)
            fail_msg("%s was read without an error", path);
        char *nl = strchr(buf, '\n');
        assert_non_null(nl);
        nl[1] = 0;
        if (strcmp(buf, want) != 0)
            fail_msg("%s:\n  got:  %s  want: %s", path, buf, want);
        free(buf);
        free(want);
        count++;
    }
    closedir(dir);
    assert_true(count >= 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_house_style),
        cmocka_unit_test(test_zasto_ini),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_colors),
        cmocka_unit_test(test_dependent_values),
        cmocka_unit_test(test_other_values),
        cmocka_unit_test(test_heading_keys),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_consistency),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_bad_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
