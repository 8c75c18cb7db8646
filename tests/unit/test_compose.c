/* The paragraph composer against clreq (ids from CLREQ.md), on sentences of 总第29期.
 * Body: Noto Serif CJK SC 10.5 pt, so 1 em = 10.5 pt; measures are whole characters. */
#include "testutil.h"

#include <math.h>

#include "layout/compose/compose.h"
#include "layout/read/doc.h"

#define EM 10.5f

static font_lib *lib;
static font *serif;
static font *kai;                 /* LXGW WenKai: narrow quotes */

typedef struct {
    para *p;
    compose_result r;
    char lines[32][256];
} composed;

static void run_face(composed *c, font *face, const char *text, int chars, float indent_em,
                     style_strictness st)
{
    memset(c, 0, sizeof *c);
    c->p = para_new();
    para_span sp = { { face, face, NULL, 0 }, EM, 0, dl_gray(0), 0, 0, false, NULL };
    assert_int_equal(para_add(c->p, text, strlen(text), &sp), 0);
    assert_int_equal(para_shape(c->p, lib, NULL, NULL), 0);
    compose_opts o;
    compose_opts_default(&o, chars * EM, EM);
    o.indent = indent_em * EM;
    o.strictness = st;
    assert_int_equal(compose(c->p, &o, &c->r), 0);
    assert_true(c->r.n < 32);
    for (int l = 0; l < c->r.n; l++) {
        char *o2 = c->lines[l];
        for (uint32_t i = c->r.lines[l].u0; i < c->r.lines[l].u1; i++) {
            const para_unit *u = &c->p->u[i];
            if (u->line < 0)
                continue;
            memcpy(o2, c->p->text + u->t0, u->t1 - u->t0);
            o2 += u->t1 - u->t0;
        }
        *o2 = 0;
    }
}

static void run(composed *c, const char *text, int chars, float indent_em,
                style_strictness st)
{
    run_face(c, serif, text, chars, indent_em, st);
}

static void done(composed *c)
{
    compose_result_free(&c->r);
    para_free(c->p);
}

/* The unit whose text starts at byte offset of `needle` (first occurrence). */
static const para_unit *unit_at(const composed *c, const char *needle)
{
    const char *at = strstr(c->p->text, needle);
    assert_non_null(at);
    for (size_t i = 0; i < c->p->nu; i++)
        if (c->p->u[i].t0 == (uint32_t)(at - c->p->text))
            return &c->p->u[i];
    fail_msg("no unit at %s", needle);
    return NULL;
}

static void assert_near(double a, double b)
{
    if (fabs(a - b) > 0.01)
        fail_msg("%.4f != %.4f", a, b);
}

static const char *S1 = "（以下简称“上海电科集团”）参观交流。";

/* CL-LB-01/02/04: at every measure from 5 to 18 characters no line starts with a
 * closing mark or pause/stop mark and none ends with an opening mark; CL-PW-03: a
 * line-end mark is set half width so every non-final line is exactly the measure. */
static void test_lb_prohibitions_every_measure(void **state)
{
    (void)state;
    for (int m = 5; m <= 18; m++) {
        composed c;
        run(&c, S1, m, 0, STRICT_BASIC);
        for (int l = 0; l < c.r.n; l++) {
            const char *s = c.lines[l];
            assert_false(strncmp(s, "”", 3) == 0 || strncmp(s, "）", 3) == 0 ||
                         strncmp(s, "。", 3) == 0);
            size_t n = strlen(s);
            assert_false(n >= 3 && (strcmp(s + n - 3, "（") == 0 || strcmp(s + n - 3, "“") == 0));
            if (!c.r.lines[l].last)
                assert_near(c.r.lines[l].width, m * EM);
        }
        assert_int_equal(c.r.overfull, 0);
        done(&c);
    }
}

/* Exact breaks of S1 at 9, 8 and 10 characters. At 9 the first line pushes in (the
 * opening quote loses its blank half, CL-LB-09/CL-JU-02) instead of spacing out. */
static void test_lb_exact_breaks(void **state)
{
    (void)state;
    composed c;
    run(&c, S1, 9, 0, STRICT_BASIC);
    assert_int_equal(c.r.n, 2);
    assert_string_equal(c.lines[0], "（以下简称“上海电科");
    assert_string_equal(c.lines[1], "集团”）参观交流。");
    /* Line start （ drops its leading half (CL-PW-04): drawn 5.25 pt left of 0. */
    assert_near(unit_at(&c, "（以下")->cl, EM / 2);
    assert_near(unit_at(&c, "以下")->x, EM / 2);
    /* The line was pushed in by compressing “ (the only shrinkable mark). */
    assert_near(unit_at(&c, "“上海")->cl, EM / 2);
    assert_near(unit_at(&c, "科集")->x, 8 * EM);
    done(&c);

    run(&c, S1, 8, 0, STRICT_BASIC);
    assert_int_equal(c.r.n, 3);
    assert_string_equal(c.lines[0], "（以下简称“上海");
    assert_string_equal(c.lines[1], "电科集团”）参观");
    assert_string_equal(c.lines[2], "交流。");
    done(&c);
}

/* CL-PW-02: ”） takes 1.5 em — the quote gives up its blank right half — and a pair
 * inside a line is never undone by stretching. */
static void test_pw_adjacent_marks(void **state)
{
    (void)state;
    composed c;
    run(&c, S1, 30, 0, STRICT_BASIC);
    assert_int_equal(c.r.n, 1);
    const para_unit *q = unit_at(&c, "”）"), *b = unit_at(&c, "）参");
    assert_near(q->cr, EM / 2);
    assert_near(b->x - q->x, EM / 2);
    assert_near(unit_at(&c, "参观")->x - b->x, EM);
    /* Last line: natural width, flush left; the final 。 at the line end is half
     * width like any line-end mark (CL-PW-03). */
    assert_near(unit_at(&c, "。")->cr, EM / 2);
    /* 19 marks and characters: − ½ (”）pair) − ½ (line-end 。) − ½ (line-start （). */
    assert_near(c.r.lines[0].width, 17.5 * EM);
    done(&c);
}

static const char *S2 = "2018年全年珠海市服务贸易进出口总额为4369712.57万人民币，同比增长10.92%";

/* CL-MX-01: ¼ em between digits and Han, none at the line edges; CL-LB-10: the number
 * stays whole and with its unit 万. */
static void test_mx_han_latin_glue(void **state)
{
    (void)state;
    composed c;
    run(&c, S2, 40, 0, STRICT_BASIC);
    assert_int_equal(c.r.n, 1);
    const para_unit *d7 = unit_at(&c, "7万"), *wan = unit_at(&c, "万人");
    assert_near(wan->x - (d7->x + d7->w), EM / 4);
    const para_unit *zhang = unit_at(&c, "长1"), *one = unit_at(&c, "10.92");
    assert_near(one->x - (zhang->x + EM), EM / 4);
    done(&c);

    run(&c, S2, 20, 0, STRICT_BASIC);
    assert_int_equal(c.r.n, 2);
    assert_string_equal(c.lines[0], "2018年全年珠海市服务贸易进出口总额为");
    assert_string_equal(c.lines[1], "4369712.57万人民币，同比增长10.92%");
    /* The glue before the number is dropped at the line start. */
    assert_near(unit_at(&c, "4369")->x, 0);
    assert_near(c.r.lines[0].width, 20 * EM);
    done(&c);
}

/* CL-MX-02: a source space between Han and Latin becomes the ¼ em glue. */
static void test_mx_space_replaced(void **state)
{
    (void)state;
    composed c;
    run(&c, "关于实施 2018 年省科技创新", 30, 0, STRICT_BASIC);
    const para_unit *shi = unit_at(&c, "施 "), *two = unit_at(&c, "2018");
    assert_near(two->x - (shi->x + EM), EM / 4);
    const para_unit *eight = unit_at(&c, "8 年"), *nian = unit_at(&c, "年省");
    assert_near(nian->x - (eight->x + eight->w), EM / 4);
    done(&c);
}

/* CL-LB-07 / CL-LB-06 (strict): —— is one unbreakable 2-em unit and, in strict mode,
 * never starts a line; in basic mode it is only avoided. */
static void test_lb_dashes(void **state)
{
    (void)state;
    const char *t = "海纳联盟全国巡展秉承合作共赢的理念——携手全国行业伙伴……积极推动产业资源共享";
    composed c;
    run(&c, t, 10, 2, STRICT_STRICT);
    const para_unit *d = unit_at(&c, "——");
    assert_int_equal(d->t1 - d->t0, 6);
    assert_near(d->w, 2 * EM);
    for (int l = 0; l < c.r.n; l++) {
        assert_false(strncmp(c.lines[l], "—", 3) == 0);
        assert_false(strncmp(c.lines[l], "…", 3) == 0);
    }
    assert_string_equal(c.lines[0], "海纳联盟全国巡");
    assert_string_equal(c.lines[1], "展秉承合作共赢的理");
    assert_string_equal(c.lines[2], "念——携手全国行业伙");
    done(&c);
    /* Basic: allowed when every alternative is worse. */
    run(&c, t, 10, 2, STRICT_BASIC);
    assert_string_equal(c.lines[2], "——携手全国行业伙");
    done(&c);
}

/* CL-PA-05: a paragraph ending in one character plus 。 gets a last line of at least
 * two characters at every measure; at 17 characters first-fit would leave "动。"
 * alone, so the first line gives up a character and is spaced out. */
static void test_pa_last_line_two_chars(void **state)
{
    (void)state;
    const char *t = "精彩内容博得了现场人员的阵阵掌声动。";
    for (int m = 6; m <= 17; m++) {
        composed c;
        run(&c, t, m, 0, STRICT_BASIC);
        const char *last = c.lines[c.r.n - 1];
        int chars = 0;
        for (const char *s = last; *s; s += 3)
            chars += strncmp(s, "。", 3) != 0;
        assert_true(chars >= 2);
        done(&c);
    }
    composed c;
    run(&c, t, 17, 0, STRICT_BASIC);
    assert_int_equal(c.r.n, 2);
    assert_string_equal(c.lines[0], "精彩内容博得了现场人员的阵阵掌");
    assert_string_equal(c.lines[1], "声动。");
    assert_near(c.r.lines[0].width, 17 * EM);
    done(&c);
}

/* CL-PA-05 counts characters, not quotation marks, though a narrow quote in the
 * body face is classed Latin: "包”" alone is a one-character last line. */
static void test_pa_last_line_quote(void **state)
{
    (void)state;
    const char *t = "对利用存量房产或土地资源发展“互联网+”、电子商务等新业态、创新商业模式、"
                    "开展线上线下融合业务的，可享受在一定年限内继续按原用途和土地权利类型使用"
                    "土地的五年过渡期“服务外包”";
    for (int m = 5; m <= 24; m++) {
        composed c;
        run_face(&c, kai, t, m, 0, STRICT_BASIC);
        assert_true(unit_at(&c, "”")->cls == PC_LATIN);
        const char *last = c.lines[c.r.n - 1];
        int chars = 0;
        for (const char *s = last; *s; s += 3)
            chars += strncmp(s, "”", 3) != 0 && strncmp(s, "“", 3) != 0;
        if (chars < 2)
            fail_msg("at %d characters the last line is \"%s\"", m, last);
        done(&c);
    }
}

/* CL-PA-01 and CL-GR-02: the first line starts after a 2 em indent; a pure-Han line
 * sets solid on the 1 em grid. */
static void test_indent_and_grid(void **state)
{
    (void)state;
    composed c;
    run(&c, "近日金邦达成功通过国家知识产权管理专业机构评审获得知识产权管理体系认证证书", 12, 2,
        STRICT_BASIC);
    assert_near(c.p->u[0].x, 2 * EM);
    for (size_t i = 0; i < c.p->nu; i++) {
        double cells = c.p->u[i].x / EM;
        assert_near(cells, round(cells));
    }
    assert_string_equal(c.lines[0], "近日金邦达成功通过国");
    assert_string_equal(c.lines[1], "家知识产权管理专业机构评");
    done(&c);
}

/* CL-JU-03: shrink order — a pause mark gives way before a full stop. */
static void test_ju_shrink_order(void **state)
{
    (void)state;
    composed c;
    /* 11 characters of which 、and 。 at the end: the measure is 10 em + ½ from the
     * line-end 。, so exactly ½ em must come from the pause mark. */
    run(&c, "源共享、行业渠道对接。巡展当天来自全国", 10, 0, STRICT_BASIC);
    assert_string_equal(c.lines[0], "源共享、行业渠道对接。");
    assert_near(unit_at(&c, "、行")->cr, EM / 2);
    assert_near(unit_at(&c, "。巡")->cr, EM / 2);
    assert_near(c.r.lines[0].width, 10 * EM);
    done(&c);
}

/* CL-JU-04: stretching goes to Latin spaces first, never inside a Latin word. */
static void test_ju_stretch_spaces_first(void **state)
{
    (void)state;
    composed c;
    run(&c, "Service Trade and Outsourcing 协会", 14, 0, STRICT_BASIC);
    assert_true(c.r.n >= 1);
    const para_unit *s = unit_at(&c, "Service"), *e = unit_at(&c, "ervice");
    assert_near(e->x - s->x, s->w);       /* no space inside the word */
    done(&c);
}

/* Looseness: the same paragraph one line longer, every line still justified, and one
 * line shorter when compression allows it (the flow uses this to fill columns). */
static void test_looseness(void **state)
{
    (void)state;
    const char *t = "海纳联盟全国巡展秉承合作共赢的理念，携手全国行业伙伴，积极推动产业资源共享、"
                    "行业渠道对接。巡展当天，来自全国各地的软件厂商相关负责人齐聚盛会，共同探讨从"
                    "“产品经营”到“客户经营”，再到“为客户打造全生命周期服务”的变革趋势下，软件"
                    "行业生态新发展。";
    composed c;
    run(&c, t, 22, 2, STRICT_STRICT);
    int n = c.r.n;
    assert_true(n >= 5);
    done(&c);
    for (int dir = -1; dir <= 1; dir += 2) {
        memset(&c, 0, sizeof c);
        c.p = para_new();
        para_span sp = { { serif, serif, NULL, 0 }, EM, 0, dl_gray(0), 0, 0, false, NULL };
        para_add(c.p, t, strlen(t), &sp);
        para_shape(c.p, lib, NULL, NULL);
        compose_opts o;
        compose_opts_default(&o, 22 * EM, EM);
        o.strictness = STRICT_STRICT;
        o.looseness = dir;
        assert_int_equal(compose(c.p, &o, &c.r), 0);
        if (dir > 0)
            assert_int_equal(c.r.n, n + 1);
        assert_true(c.r.n == n + dir || c.r.n == n);
        for (int l = 0; l < c.r.n - 1; l++)
            assert_near(c.r.lines[l].x0 + c.r.lines[l].width, 22 * EM);
        assert_int_equal(c.r.overfull, 0);
        done(&c);
    }
}

/* A run with no break wider than the measure breaks inside itself, as a last resort
 * (flagged for a warning): no line is wider than the measure. */
static void test_long_word_breaks(void **state)
{
    (void)state;
    composed c;
    run(&c, "网址http://www.zasto.org.cn/abcdefghijklmnopqrstuvwxyz0123456789", 8, 0,
        STRICT_BASIC);
    assert_true(c.r.emergency);
    assert_int_equal(c.r.overfull, 0);
    assert_true(c.r.n >= 3);
    for (int l = 0; l < c.r.n; l++)
        assert_true(c.r.lines[l].x0 + c.r.lines[l].width <= 8 * EM + 0.01f);
    done(&c);
    /* Text that can break where it should never takes the last resort. */
    run(&c, "网址http://www.zasto.org.cn/ 和珠海市服务贸易和外包行业协会", 16, 0, STRICT_BASIC);
    assert_false(c.r.emergency);
    done(&c);
}


/* ---- issue 12: real-world text -------------------------------------------------- */

static font *mono;

typedef struct {
    const char *text;
    unsigned flags;           /* doc_inline_flags */
} span_in;

/* Composes spans (in the serif, or the mono face for IN_CODE) to `chars` characters
 * with the house options, then adj's changes. */
static void run_spans(composed *c, const span_in *in, int n, float chars, float indent_em,
                      void (*adj)(compose_opts *))
{
    memset(c, 0, sizeof *c);
    c->p = para_new();
    for (int i = 0; i < n; i++) {
        font *f = in[i].flags & IN_CODE ? mono : serif;
        para_span sp = { { f, f, NULL, 0 }, EM, 0, dl_gray(0), in[i].flags, 0, false, NULL };
        assert_int_equal(para_add(c->p, in[i].text, strlen(in[i].text), &sp), 0);
    }
    assert_int_equal(para_shape(c->p, lib, NULL, NULL), 0);
    compose_opts o;
    compose_opts_default(&o, chars * EM, EM);
    o.indent = indent_em * EM;
    o.strictness = STRICT_STRICT;
    o.label_min = 2 * EM;
    o.label_gap = EM / 2;
    o.max_spread = 0.24f;
    if (adj)
        adj(&o);
    assert_int_equal(compose(c->p, &o, &c->r), 0);
    assert_true(c->r.n < 32);
    for (int l = 0; l < c->r.n; l++) {
        char *o2 = c->lines[l];
        for (uint32_t i = c->r.lines[l].u0; i < c->r.lines[l].u1; i++) {
            const para_unit *u = &c->p->u[i];
            if (u->line < 0)
                continue;
            memcpy(o2, c->p->text + u->t0, u->t1 - u->t0);
            o2 += u->t1 - u->t0;
        }
        *o2 = 0;
    }
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && strcmp(s + n - k, tail) == 0;
}

/* A hard break (IN_BR) ends the line there: the line is set like a last line (not
 * spread), and the next starts at the margin, not at the paragraph indent. */
static void test_hard_break(void **state)
{
    (void)state;
    composed c;
    const span_in in[] = { { "--bzip2", 0 }, { " ", IN_BR }, { "使用bzip2压缩归档。", 0 },
                           { " ", IN_BR }, { "第二行。", 0 } };
    run_spans(&c, in, 5, 20, 2, NULL);
    assert_int_equal(c.r.n, 3);
    assert_string_equal(c.lines[0], "--bzip2");
    assert_string_equal(c.lines[1], "使用bzip2压缩归档。");
    assert_string_equal(c.lines[2], "第二行。");
    assert_true(c.r.lines[0].hard && c.r.lines[1].hard && !c.r.lines[2].hard);
    assert_near(c.r.lines[0].x0, 2 * EM);
    assert_near(c.r.lines[1].x0, 0);
    assert_near(c.r.lines[1].width, c.r.lines[1].natural);   /* not justified */
    assert_false(c.r.lines[1].wrapped);
    done(&c);
    /* Two breaks in a row leave an empty line. */
    const span_in two[] = { { "甲", 0 }, { " ", IN_BR }, { " ", IN_BR }, { "乙丙", 0 } };
    run_spans(&c, two, 4, 10, 0, NULL);
    assert_int_equal(c.r.n, 3);
    assert_string_equal(c.lines[1], "");
    done(&c);
}

static const char *TOKENS = "备份类型可用选项--listed-incremental=/var/backup/snapshot.file"
                            "指定，邮件发送至maintainer-list@lists.example.org即可，压缩用--bzip2。";

/* CL-LB-10: a long token breaks after / . - _ ? & = and before @, never after the
 * leading hyphens of an option, at every measure. */
static void test_token_breaks(void **state)
{
    (void)state;
    for (int m = 8; m <= 24; m++) {
        composed c;
        const span_in in[] = { { TOKENS, 0 } };
        run_spans(&c, in, 1, (float)m, 2, NULL);
        for (int l = 0; l + 1 < c.r.n; l++) {
            const char *a = c.lines[l], *b = c.lines[l + 1];
            /* Never "--|listed" or "--|bzip2", nor "-|-". */
            assert_false(ends_with(a, "--") || ends_with(a, "项-") || ends_with(a, "用-"));
            /* Inside a token, only after the marks or before @. */
            size_t n = strlen(a);
            char last = n ? a[n - 1] : 0;
            bool latin_end = (last >= 'a' && last <= 'z') || (last >= '0' && last <= '9');
            bool latin_next = (b[0] >= 'a' && b[0] <= 'z');
            assert_false(latin_end && latin_next);
        }
        done(&c);
    }
    /* At 20 characters the option breaks after "listed-" (never after "--"), the
     * address after "lists."; "--bzip2" stays whole. The first line cannot be filled
     * without spacing its Han past max_spread: it is left short instead. */
    composed c;
    const span_in in[] = { { TOKENS, 0 } };
    run_spans(&c, in, 1, 20, 2, NULL);
    assert_int_equal(c.r.n, 4);
    assert_string_equal(c.lines[0], "备份类型可用选项--listed-");
    assert_string_equal(c.lines[1], "incremental=/var/backup/snapshot.file");
    assert_string_equal(c.lines[2], "指定，邮件发送至maintainer-list@lists.");
    assert_string_equal(c.lines[3], "example.org即可，压缩用--bzip2。");
    assert_near(c.r.lines[0].spread, 0.24);
    assert_near(c.r.lines[2].x0 + c.r.lines[2].width, 20 * EM);
    done(&c);
}

/* Ranges never break at their dash, nor at the blanks around it. */
static void test_range_whole(void **state)
{
    (void)state;
    static const char *const ranges[] = { "10:00-12:00", "10:00 - 12:00", "10:00–12:00",
                                          "15-16日", "15～16日" };
    for (size_t k = 0; k < sizeof ranges / sizeof ranges[0]; k++)
        for (int pre = 0; pre < 12; pre++) {
            char t[256] = "";
            for (int i = 0; i < pre; i++)
                strcat(t, "会");
            strcat(t, "时间");
            strcat(t, ranges[k]);
            strcat(t, "举行会议");
            composed c;
            const span_in in[] = { { t, 0 } };
            run_spans(&c, in, 1, 8, 0, NULL);
            bool whole = false;
            for (int l = 0; l < c.r.n; l++)
                whole |= strstr(c.lines[l], ranges[k]) != NULL;
            if (!whole)
                fail_msg("%s split at %d", ranges[k], pre);
            done(&c);
        }
}

/* CL-MX-01: no Han–Latin glue next to punctuation: / | - ( beside Han are set solid;
 * a letter or digit beside Han still gets its quarter em. */
static void test_no_glue_at_punct(void **state)
{
    (void)state;
    composed c;
    const span_in in[] = { { "重启/关闭，按d-键，珠海|槟城，第三节(基本概念)在x中", 0 } };
    run_spans(&c, in, 1, 40, 0, NULL);
    assert_int_equal(c.r.n, 1);
    assert_near(unit_at(&c, "/关")->x, unit_at(&c, "启/")->x + EM);
    assert_near(unit_at(&c, "关闭")->x, unit_at(&c, "/关")->x + unit_at(&c, "/关")->w);
    assert_near(unit_at(&c, "键，")->x, unit_at(&c, "-键")->x + unit_at(&c, "-键")->w);
    assert_near(unit_at(&c, "|槟")->x, unit_at(&c, "海|")->x + EM);
    assert_near(unit_at(&c, "(基")->x, unit_at(&c, "节(")->x + EM);
    /* d after a full-width comma: no glue either (CL-MX-01: none next to ，). */
    const para_unit *x = unit_at(&c, "x中"), *zai = unit_at(&c, "在x");
    assert_near(x->x, zai->x + EM + EM / 4);
    done(&c);
}

/* A list label (IN_LABEL) keeps its width and the gap after it: （七） and （八）
 * start their text at the same place, whatever the line needs; a hanging label
 * (IN_HANG) sits left of the text, whose wrapped lines align with it. */
static void test_label_fixed(void **state)
{
    (void)state;
    static const char *const body[] = { "创新驱动发展战略，推动经济高质量发展，提升产业链现代化水平。",
                                        "完善现代化经济体系，推动经济高质量发展。提升产业链现代化水平。" };
    static const char *const label[] = { "（七）", "（八）" };
    for (int m = 10; m <= 22; m++) {
        float first[2];
        for (int k = 0; k < 2; k++) {
            composed c;
            const span_in in[] = { { label[k], IN_LABEL }, { body[k], 0 } };
            run_spans(&c, in, 2, (float)m, 2, NULL);
            const para_unit *close = unit_at(&c, "）");
            assert_near(close->cl + close->cr, 0);    /* never squeezed */
            first[k] = c.p->u[3].x;
            done(&c);
        }
        assert_near(first[0], 2 * EM + 3 * EM);
        assert_near(first[1], first[0]);
    }
    composed c;
    const span_in in[] = { { "1.", IN_LABEL | IN_HANG }, { body[0], 0 } };
    run_spans(&c, in, 2, 10, 0, NULL);
    assert_true(c.r.n >= 3);
    assert_near(c.r.lines[0].x0, -2 * EM);               /* the label box: label-width */
    assert_near(unit_at(&c, "1.")->x, -2 * EM);
    assert_near(unit_at(&c, "创新")->x, 0);                /* the text at the margin */
    for (int l = 1; l < c.r.n; l++)
        assert_near(c.p->u[c.r.lines[l].u0].x, 0);       /* wrapped lines align */
    /* The gap after the label is never widened: line 0 is justified by the text. */
    assert_near(c.r.lines[0].x0 + c.r.lines[0].width, 10 * EM);
    done(&c);
}

/* Letter-spaced Han lines before unbreakable tokens (CL-JU-07): no line is spaced past
 * max_spread; a line that would need more is left short, and says by how much. Without
 * the limit the same paragraph spaces a line far apart. */
static void no_limit(compose_opts *o) { o->max_spread = 0; }

static void test_max_spread(void **state)
{
    (void)state;
    const char *t = "内核文档位于/usr/share/doc/linux-doc/Documentation/admin-guide/"
                    "kernel-parameters.txt之中，显示管理器的配置文件为/etc/X11/xorg.conf.d/"
                    "10-monitor.conf，备份类型可用选项--listed-incremental=/var/backup/snapshot.file指定。";
    composed c;
    const span_in in[] = { { t, 0 } };
    run_spans(&c, in, 1, 22, 2, NULL);
    int shorts = 0;
    for (int l = 0; l < c.r.n; l++) {
        const compose_line *ln = &c.r.lines[l];
        assert_true(ln->spread <= 0.24f + 1e-3f);
        /* A justified line fills the measure but for what it reports short. */
        if (!ln->last)
            assert_near(ln->x0 + ln->width + ln->short_by, 22 * EM);
        shorts += ln->short_by > 0.01f;
    }
    assert_true(shorts > 0);
    assert_false(c.r.fallback);
    done(&c);
    run_spans(&c, in, 1, 22, 2, no_limit);
    float most = 0;
    for (int l = 0; l < c.r.n; l++)
        most = fmaxf(most, c.r.lines[l].spread);
    assert_true(most > 0.25f);
    done(&c);
}

/* Code (verbatim): spaces kept at the line start and rigid, never justified; a line
 * too long wraps at an opportunity, its rest at the wrap indent, marked wrapped. */
static void code_opts(compose_opts *o)
{
    o->verbatim = true;
    o->compress = false;
    o->justify = false;
    o->last_min = 0;
    o->indent = 0;
    o->wrap_indent = 2 * EM;
}

static void test_verbatim(void **state)
{
    (void)state;
    composed c;
    const span_in in[] = { { "if (x) {", IN_CODE }, { " ", IN_BR },
                           { "    return \"/usr/share/doc/linux-doc/Documentation\";", IN_CODE },
                           { " ", IN_BR }, { "}", IN_CODE } };
    run_spans(&c, in, 5, 20, 0, code_opts);
    assert_int_equal(c.r.n, 4);
    assert_string_equal(c.lines[0], "if (x) {");
    assert_string_equal(c.lines[1], "    return \"/usr/share/doc/linux-doc/");
    assert_string_equal(c.lines[2], "Documentation\";");
    assert_string_equal(c.lines[3], "}");
    /* Four spaces of half an em each before "return". */
    assert_near(unit_at(&c, "return")->x, 4 * unit_at(&c, "return")->w);
    assert_true(c.r.lines[2].wrapped && !c.r.lines[1].wrapped && !c.r.lines[3].wrapped);
    assert_near(c.r.lines[2].x0, 2 * EM);
    assert_near(c.r.lines[0].width, c.r.lines[0].natural);
    done(&c);
    /* A word wider than the measure is cut where it fills the line, never past it. */
    const span_in long_word[] = { { "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz", IN_CODE } };
    run_spans(&c, long_word, 1, 10, 0, code_opts);
    assert_true(c.r.n >= 3);
    for (int l = 0; l < c.r.n; l++)
        assert_true(c.r.lines[l].x0 + c.r.lines[l].width <= 10 * EM + 0.01f);
    assert_int_equal(c.r.overfull, 0);
    done(&c);
}

/* Names in a signature (IN_KEEP) break only at the spaces between them. */
static void flush_right(compose_opts *o)
{
    o->justify = false;
    o->indent = 0;
}

static void test_keep_names(void **state)
{
    (void)state;
    for (int m = 8; m <= 24; m++) {
        composed c;
        const span_in in[] = { { "商务部 科技部 工业和信息化部 财政部 自然资源部", IN_KEEP },
                               { " ", IN_BR | IN_KEEP }, { "2019年2月12日", IN_KEEP } };
        run_spans(&c, in, 3, (float)m, 0, flush_right);
        static const char *const names[] = { "商务部", "科技部", "工业和信息化部", "财政部",
                                             "自然资源部", "2019年2月12日" };
        for (size_t k = 0; k < 6; k++) {
            bool whole = false;
            for (int l = 0; l < c.r.n; l++)
                whole |= strstr(c.lines[l], names[k]) != NULL;
            if (!whole)
                fail_msg("%s split at %d characters", names[k], m);
        }
        done(&c);
    }
}

/* The breaks of a paragraph of paths at 14 characters, at its best and a line longer:
 * the measures the break search takes from its cached line starts and ends give the
 * same breaks as measuring each line afresh did. */
static int adj_looseness;
static void set_looseness(compose_opts *o) { o->looseness = adj_looseness; }

static void test_kp_exact_breaks(void **state)
{
    (void)state;
    static const char *paths = "配置文件位于/usr/local/share/jianbao/styles/zasto.ini，备份目录为"
                               "/var/backup/2019/03/，日志写入/var/log/jianbao/build.log。";
    static const char *best[] = { "配置文件位于/usr/local/", "share/jianbao/styles/zasto.",
                                  "ini，备份目录为/var/backup/", "2019/03/，日志写入/var/log/",
                                  "jianbao/build.log。" };
    static const char *longer[] = { "配置文件位于/usr/", "local/share/jianbao/styles/",
                                    "zasto.ini，备份目录为/var/", "backup/2019/03/，日志写",
                                    "入/var/log/jianbao/build.", "log。" };
    const span_in in[] = { { paths, 0 } };
    for (int loose = 0; loose <= 1; loose++) {
        composed c;
        adj_looseness = loose;
        run_spans(&c, in, 1, 14, 2, set_looseness);
        const char **want = loose ? longer : best;
        int n = loose ? 6 : 5;
        assert_int_equal(c.r.n, n);
        for (int l = 0; l < n; l++)
            assert_string_equal(c.lines[l], want[l]);
        assert_int_equal(c.r.overfull, 0);
        assert_true(c.r.work > 0);
        done(&c);
    }
}

/* Composes `reps` copies of `piece`, then `tail`, at 22 characters with a looseness;
 * returns the search's work (compose_result.work) and the number of units, and checks
 * that no line is wider than the measure. */
static double search_work(const char *piece, int reps, const char *tail, int looseness,
                          size_t *units, void (*adj)(compose_opts *))
{
    size_t len = strlen(piece), tl = strlen(tail);
    char *text = malloc(len * (size_t)reps + tl + 1);
    assert_non_null(text);
    for (int i = 0; i < reps; i++)
        memcpy(text + len * (size_t)i, piece, len);
    memcpy(text + len * (size_t)reps, tail, tl + 1);
    para *p = para_new();
    para_span sp = { { serif, serif, NULL, 0 }, EM, 0, dl_gray(0), 0, 0, false, NULL };
    assert_int_equal(para_add(p, text, strlen(text), &sp), 0);
    assert_int_equal(para_shape(p, lib, NULL, NULL), 0);
    compose_opts o;
    compose_opts_default(&o, 22 * EM, EM);
    o.looseness = looseness;
    if (adj)
        adj(&o);
    compose_result r;
    assert_int_equal(compose(p, &o, &r), 0);
    assert_true(r.n > 0);
    assert_int_equal(r.overfull, 0);
    for (int l = 0; l < r.n; l++)
        assert_true(r.lines[l].x0 + r.lines[l].natural <= 22 * EM + 0.01f);
    double w = (double)r.work;
    *units = p->nu;
    compose_result_free(&r);
    para_free(p);
    free(text);
    return w;
}

/* Issue 13: long runs with a break after every character, or none that fills a line,
 * made the search for the best breaks quadratic (characters of no width: no line ever
 * fills, so no start ever dies) or cubic (with a looseness, when lines may be set as
 * short as they like: every line count is reachable at every break); 400 slashes took
 * seconds. Its work now grows with the text's length: twice the text, less than three
 * times the work (twice, once the first lines are past; quadratic would be four times,
 * cubic eight), and a bounded amount per unit. */
static void test_kp_bounded_work(void **state)
{
    (void)state;
    static const struct {
        const char *piece;
        int reps;                 /* 2000 units */
    } runs[] = {
        { "/", 2000 },            /* a break after each slash (CL-LB-10) */
        { "*", 2000 },
        { "/a", 1000 },           /* a path thousands long */
        { "中/", 1000 },
        { "/ ", 1000 },
        { "\xe2\x80\x8b", 2000 },  /* U+200B: no width */
    };
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++)
        for (int loose = -2; loose <= 1; loose += 3) {
            size_t n1, n2;
            double w1 = search_work(runs[i].piece, runs[i].reps, "", loose, &n1, NULL);
            double w2 = search_work(runs[i].piece, 2 * runs[i].reps, "", loose, &n2, NULL);
            if (w2 > 3 * w1 || w2 > 1500.0 * (double)n2)
                fail_msg("piece %zu, looseness %d: work %.0f for %zu units, %.0f for %zu", i,
                         loose, w1, n1, w2, n2);
        }
}

static void set_heading(compose_opts *o)
{
    o->justify = false;
    o->balance = true;
}

/* The same for a heading's balanced lines (CL-PA-09): each line looked back over every
 * break before it, and characters of no width never fill one. Three lines of Han after
 * 2000, then 4000, of them. */
static void test_balance_bounded_work(void **state)
{
    (void)state;
    const char *han = "珠海市服务贸易和外包行业协会珠海市服务贸易和外包行业协会珠海市服务贸易和外包行业"
                      "协会珠海市服务贸易和外包行业协会珠海市";
    size_t n1, n2;
    double w1 = search_work("\xe2\x80\x8b", 2000, han, 0, &n1, set_heading);
    double w2 = search_work("\xe2\x80\x8b", 4000, han, 0, &n2, set_heading);
    if (w2 > 3 * w1 || w2 > 1500.0 * (double)n2)
        fail_msg("work %.0f for %zu units, %.0f for %zu", w1, n1, w2, n2);
}

static int setup(void **state)
{
    (void)state;
    char err[256];
    lib = font_lib_new();
    serif = font_lib_open(lib, "Noto Serif CJK SC", "Regular", err, sizeof err);
    kai = font_lib_open(lib, "LXGW WenKai", "Regular", err, sizeof err);
    mono = font_lib_open(lib, "Noto Sans Mono CJK SC", "Regular", err, sizeof err);
    return serif && mono ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    font_lib_free(lib);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lb_prohibitions_every_measure),
        cmocka_unit_test(test_lb_exact_breaks),
        cmocka_unit_test(test_pw_adjacent_marks),
        cmocka_unit_test(test_mx_han_latin_glue),
        cmocka_unit_test(test_mx_space_replaced),
        cmocka_unit_test(test_lb_dashes),
        cmocka_unit_test(test_pa_last_line_two_chars),
        cmocka_unit_test(test_pa_last_line_quote),
        cmocka_unit_test(test_indent_and_grid),
        cmocka_unit_test(test_ju_shrink_order),
        cmocka_unit_test(test_ju_stretch_spaces_first),
        cmocka_unit_test(test_looseness),
        cmocka_unit_test(test_long_word_breaks),
        cmocka_unit_test(test_hard_break),
        cmocka_unit_test(test_token_breaks),
        cmocka_unit_test(test_range_whole),
        cmocka_unit_test(test_no_glue_at_punct),
        cmocka_unit_test(test_label_fixed),
        cmocka_unit_test(test_max_spread),
        cmocka_unit_test(test_verbatim),
        cmocka_unit_test(test_keep_names),
        cmocka_unit_test(test_kp_exact_breaks),
        cmocka_unit_test(test_kp_bounded_work),
        cmocka_unit_test(test_balance_bounded_work),
    };
    return cmocka_run_group_tests_name("compose", tests, setup, teardown);
}
