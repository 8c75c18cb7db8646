/* The paragraph composer against clreq (ids from CLREQ.md), on sentences of 总第29期.
 * Body: Noto Serif CJK SC 10.5 pt, so 1 em = 10.5 pt; measures are whole characters. */
#include "testutil.h"

#include <math.h>

#include "layout/compose/compose.h"

#define EM 10.5f

static font_lib *lib;
static font *serif;

typedef struct {
    para *p;
    compose_result r;
    char lines[32][256];
} composed;

static void run(composed *c, const char *text, int chars, float indent_em,
                style_strictness st)
{
    memset(c, 0, sizeof *c);
    c->p = para_new();
    para_span sp = { { serif, serif, NULL, 0 }, EM, 0, dl_gray(0), 0, 0, false, NULL };
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

static int setup(void **state)
{
    (void)state;
    char err[256];
    lib = font_lib_new();
    serif = font_lib_open(lib, "Noto Serif CJK SC", "Regular", err, sizeof err);
    return serif ? 0 : -1;
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
        cmocka_unit_test(test_indent_and_grid),
        cmocka_unit_test(test_ju_shrink_order),
        cmocka_unit_test(test_ju_stretch_spaces_first),
        cmocka_unit_test(test_looseness),
        cmocka_unit_test(test_long_word_breaks),
    };
    return cmocka_run_group_tests_name("compose", tests, setup, teardown);
}
