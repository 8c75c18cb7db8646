/* The issue reader: front matter, every block kind, inline spans and their source
 * offsets, soft breaks between Han and Latin (CL-LB-12), tables with spans, figures,
 * charts, and the exact first message for every file in tests/bad. */
#include "testutil.h"

#include <dirent.h>
#include <sys/stat.h>
#include <time.h>

#include "layout/read/doc.h"

#define FM "---\n" \
           "association: 珠海市服务贸易和外包行业协会\n" \
           "title: 简报\n" \
           "number: 珠外协编【2019年3月报】\n" \
           "issue: 总第29期\n" \
           "month: 2019-03\n" \
           "---\n"

static char figdir[128];

/* Reads text; *msgs (if given) receives everything reported (caller frees). */
static doc *read_text(const char *text, char **msgs, int *errors)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    diag d;
    diag_init(&d, f);
    doc *dc = doc_read_mem("t.md", text, strlen(text), figdir, &d);
    fclose(f);
    if (errors)
        *errors = d.errors;
    if (msgs)
        *msgs = buf;
    else
        free(buf);
    return dc;
}

/* A document that must read without any message. */
static doc *read_ok(const char *text)
{
    char *msgs;
    int errors;
    doc *dc = read_text(text, &msgs, &errors);
    assert_string_equal(msgs, "");
    assert_int_equal(errors, 0);
    assert_non_null(dc);
    free(msgs);
    return dc;
}

static void assert_plain(const doc_text *t, const char *want)
{
    char *s = doc_text_plain(t);
    assert_non_null(s);
    assert_string_equal(s, want);
    free(s);
}

/* Offset of the n-th (from 0) occurrence of needle in hay. */
static size_t offset_of(const char *hay, const char *needle, int n)
{
    const char *p = hay;
    for (;; n--) {
        p = strstr(p, needle);
        assert_non_null(p);
        if (n == 0)
            return (size_t)(p - hay);
        p++;
    }
}

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
    (void)state;
    snprintf(figdir, sizeof figdir, "%s/issue", tu_tmpdir());
    char path[256];
    mkdir(figdir, 0755);
    snprintf(path, sizeof path, "%s/figures", figdir);
    mkdir(path, 0755);
    /* Real images: the reader decodes every figure (image_check). */
    int st;
    char *out = tu_run(&st, "convert -size 60x40 xc:gray50 %s/figures/a.png && "
                            "convert -size 30x20 xc:gray50 '%s/figures/图 2.jpg'",
                       figdir, figdir);
    free(out);
    return st == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char *out = tu_run(NULL, "rm -rf '%s'", tu_tmpdir());
    free(out);
    return 0;
}

/* ---- front matter --------------------------------------------------------------- */

static void test_front_matter(void **state)
{
    (void)state;
    doc *dc = read_ok("\xEF\xBB\xBF---\r\n"
                      "association: 珠海市服务贸易和外包行业协会\r\n"
                      "association_en: \"Zhuhai Association of Service Trade and Outsourcing\"\r\n"
                      "# a comment\r\n"
                      "title：简报\r\n"
                      "number: 珠外协编【2019年3月报】\r\n"
                      "issue: 总第29期\r\n"
                      "month: 2019-03\r\n"
                      "date: 2019-03-31\r\n"
                      "editor: 徐阳丽\r\n"
                      "fax:\r\n"
                      "website: http://www.zasto.org.cn\r\n"
                      "---\r\n"
                      "正文\r\n");
    assert_string_equal(dc->meta.association, "珠海市服务贸易和外包行业协会");
    assert_string_equal(dc->meta.association_en, "Zhuhai Association of Service Trade and Outsourcing");
    assert_string_equal(dc->meta.title, "简报");
    assert_string_equal(dc->meta.number, "珠外协编【2019年3月报】");
    assert_string_equal(dc->meta.issue, "总第29期");
    assert_string_equal(dc->meta.month, "2019-03");
    assert_string_equal(dc->meta.date, "2019-03-31");
    assert_string_equal(dc->meta.editor, "徐阳丽");
    assert_string_equal(dc->meta.website, "http://www.zasto.org.cn");
    assert_string_equal(dc->meta.style, "zasto");   /* the default */
    assert_null(dc->meta.fax);                       /* empty: not given */
    assert_null(dc->meta.typesetter);
    assert_int_equal(dc->nblocks, 1);
    assert_plain(&dc->blocks[0].text, "正文");
    assert_string_equal(dc->src->path, "t.md");
    assert_string_equal(dc->dir, figdir);
    doc_free(dc);
}

/* Every problem is reported, in order, not only the first. */
static void test_all_errors(void **state)
{
    (void)state;
    char *msgs;
    int errors;
    doc *dc = read_text("---\n"
                        "title: 简报\n"
                        "colour: red\n"
                        "title: 又一个\n"
                        "month: 2019-13\n"
                        "date: 2019-02-29\n"
                        "just text\n"
                        "---\n"
                        "\n"
                        "![a](figures/none.png)\n"
                        "\n"
                        "```chart\n"
                        "type: bar\n"
                        "labels: a, b\n"
                        "series: s | 1, x\n"
                        "```\n",
                        &msgs, &errors);
    assert_null(dc);
    assert_int_equal(errors, 10);
    char want[2048];
    snprintf(want, sizeof want,
             "t.md:3:1: error: unknown front-matter key 'colour'; valid keys: association, "
             "association_en, title, number, issue, month, date, editor, typesetter, phone, fax, "
             "email, address, website, style, keywords, lang\n"
             "t.md:4:1: error: duplicate front-matter key 'title' (first set on line 2); keep one\n"
             "t.md:5:8: error: month '2019-13' must be YYYY-MM, e.g. 2019-03\n"
             "t.md:6:7: error: date '2019-02-29' must be a date YYYY-MM-DD, e.g. 2019-03-31\n"
             "t.md:7:1: error: expected 'key: value' in the front matter, or '---' to end it\n"
             "t.md:8:1: error: missing front-matter key 'association'; add a line 'association: "
             "…' before this line\n"
             "t.md:8:1: error: missing front-matter key 'number'; add a line 'number: …' before "
             "this line\n"
             "t.md:8:1: error: missing front-matter key 'issue'; add a line 'issue: …' before "
             "this line\n"
             "t.md:10:6: error: image figures/none.png not found; image paths are relative to the "
             "issue directory %s\n"
             "t.md:15:16: error: bad number 'x' in series 's'; write plain numbers such as 35863.0 "
             "(the unit goes on the 'unit:' line)\n",
             figdir);
    assert_string_equal(msgs, want);
    free(msgs);
}

/* ---- blocks --------------------------------------------------------------------- */

static void test_blocks(void **state)
{
    (void)state;
    static const char text[] = FM
        "\n"
        "# 企业动态\n"
        "\n"
        "## 金邦达荣获认证\n"
        "\n"
        "### 一、概况\n"
        "\n"
        "###### 六级\n"
        "\n"
        "近日，金邦达成功通过评审。\n"
        "\n"
        "（来源：珠海特区报）\n"
        "\n"
        "(文件来源：中国（珠海）自贸区)\n"
        "\n"
        "（来源：甲）后面还有字\n"
        "\n"
        "---\n"
        "\n"
        "> 引用\n"
        "> > 二级\n"
        "\n"
        "```\n"
        "code\tline\n"
        "```\n";
    doc *dc = read_ok(text);
    static const struct {
        doc_kind kind;
        int level, quote;
        const char *text;
    } want[] = {
        { DOC_SECTION, 1, 0, "企业动态" },
        { DOC_ARTICLE, 2, 0, "金邦达荣获认证" },
        { DOC_HEADING, 3, 0, "一、概况" },
        { DOC_HEADING, 6, 0, "六级" },
        { DOC_PARA, 0, 0, "近日，金邦达成功通过评审。" },
        { DOC_SOURCE, 0, 0, "（来源：珠海特区报）" },
        { DOC_SOURCE, 0, 0, "(文件来源：中国（珠海）自贸区)" },
        { DOC_PARA, 0, 0, "（来源：甲）后面还有字" },
        { DOC_RULE, 0, 0, "" },
        { DOC_PARA, 0, 1, "引用" },
        { DOC_PARA, 0, 2, "二级" },
        { DOC_CODE, 0, 0, "code    line" },     /* the tab to the next stop of four */
    };
    assert_int_equal(dc->nblocks, sizeof want / sizeof want[0]);
    for (int i = 0; i < dc->nblocks; i++) {
        doc_block *b = &dc->blocks[i];
        assert_int_equal(b->kind, want[i].kind);
        assert_int_equal(b->level, want[i].level);
        assert_int_equal(b->quote, want[i].quote);
        assert_plain(&b->text, want[i].text);
        assert_null(b->marker);
    }
    /* Block positions: headings and paragraphs at their text, the rule at its line. */
    assert_int_equal(dc->blocks[0].src, offset_of(text, "企业动态", 0));
    assert_int_equal(dc->blocks[4].src, offset_of(text, "近日", 0));
    assert_int_equal(dc->blocks[8].src, offset_of(text, "\n---\n", 1) + 1);
    assert_int_equal(dc->blocks[11].text.in[0].flags, IN_CODE);
    doc_free(dc);
}

static void test_lists(void **state)
{
    (void)state;
    doc *dc = read_ok(FM
                      "\n"
                      "3. 三\n"
                      "4. 四\n"
                      "   - 甲\n"
                      "   - 乙\n"
                      "\n"
                      "     乙的第二段\n"
                      "5. \n"
                      "\n"
                      "1) 括号\n"
                      "\n"
                      "- > 引用的项\n");
    static const struct {
        doc_kind kind;
        int level, quote;
        const char *marker, *text;
    } want[] = {
        { DOC_ITEM, 1, 0, "3.", "三" },
        { DOC_ITEM, 1, 0, "4.", "四" },
        { DOC_ITEM, 2, 0, "•", "甲" },
        { DOC_ITEM, 2, 0, "•", "乙" },
        { DOC_ITEM, 2, 0, "", "乙的第二段" },
        { DOC_ITEM, 1, 0, "5.", "" },
        { DOC_ITEM, 1, 0, "1)", "括号" },
        { DOC_ITEM, 1, 0, "•", "" },     /* the marker, then the quote it holds */
        { DOC_PARA, 0, 1, NULL, "引用的项" },
    };
    assert_int_equal(dc->nblocks, sizeof want / sizeof want[0]);
    for (int i = 0; i < dc->nblocks; i++) {
        doc_block *b = &dc->blocks[i];
        assert_int_equal(b->kind, want[i].kind);
        assert_int_equal(b->level, want[i].level);
        assert_int_equal(b->quote, want[i].quote);
        if (want[i].marker)
            assert_string_equal(b->marker, want[i].marker);
        else
            assert_null(b->marker);
        assert_plain(&b->text, want[i].text);
    }
    doc_free(dc);
}

/* ---- inlines -------------------------------------------------------------------- */

static void test_inlines(void **state)
{
    (void)state;
    static const char text[] = FM
        "\n"
        "A **粗体** *em* `co\tde` [链接](http://x.org/?a=1&amp;b=2) CO<sub>2</sub> "
        "m<SUP>2</SUP>&amp;&#x4e2d;&copy;\tx  \n"
        "硬换行<br>后<b>粗</b>\n";
    doc *dc = read_ok(text);
    assert_int_equal(dc->nblocks, 1);
    const doc_text *t = &dc->blocks[0].text;
    static const struct {
        const char *text;
        unsigned flags;
        bool verbatim;
    } want[] = {
        { "A ", 0, true },
        { "粗体", IN_BOLD, true },
        { " ", 0, true },
        { "em", IN_EM, true },
        { " ", 0, true },
        { "co de", IN_CODE, false },
        { " ", 0, true },
        { "链接", IN_LINK, true },
        { " CO", 0, true },
        { "2", IN_SUB, true },
        { " m", 0, true },
        { "2", IN_SUP, true },
        { "&", 0, false },
        { "中", 0, false },
        { "©", 0, false },
        { " x", 0, true },     /* the tab became a space */
        { " ", IN_BR, false }, /* hard break */
        { "硬换行", 0, true },
        { " ", IN_BR, false }, /* <br> */
        { "后", 0, true },
        { "粗", IN_BOLD, true },
    };
    assert_int_equal(t->nin, sizeof want / sizeof want[0]);
    for (int i = 0; i < t->nin; i++) {
        assert_string_equal(t->in[i].text, want[i].text);
        assert_int_equal(t->in[i].flags, want[i].flags);
        assert_int_equal(t->in[i].src_verbatim, want[i].verbatim);
        /* Verbatim text is the source at src, byte for byte (a tab became a space). */
        for (size_t k = 0; want[i].verbatim && k < strlen(want[i].text); k++) {
            char sc = text[t->in[i].src + k];
            assert_int_equal(sc == '\t' ? ' ' : sc, want[i].text[k]);
        }
    }
    assert_string_equal(t->in[7].href, "http://x.org/?a=1&b=2");
    assert_null(t->in[6].href);
    assert_int_equal(t->in[1].src, offset_of(text, "粗体", 0));
    assert_int_equal(t->in[12].src, offset_of(text, "&amp;&#x4e2d;", 0));
    assert_int_equal(t->in[15].src, offset_of(text, "\tx", 0));
    doc_free(dc);
}

/* CL-LB-12: a line break between two Han characters (CJK punctuation included, and
 * the marks shared with Latin when next to Han) vanishes; anywhere else it is a space. */
static void test_soft_breaks(void **state)
{
    (void)state;
    static const struct {
        const char *src, *want;
    } cases[] = {
        { "近日\n金邦达", "近日金邦达" },
        { "评审，\n获得", "评审，获得" },
        { "证书》。\n这", "证书》。这" },
        { "获得\nPCI认证", "获得 PCI认证" },
        { "PCI\n认证", "PCI 认证" },
        { "in\nEnglish", "in English" },
        { "10.92%\n增长", "10.92% 增长" },
        { "“知识产权”\n管理", "“知识产权”管理" },
        { "said “hi”\nworld", "said “hi” world" },
        { "**近日**\n金邦达", "近日金邦达" },
        { "近日\n**PCI**", "近日 PCI" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[512];
        snprintf(text, sizeof text, FM "\n%s\n", cases[i].src);
        doc *dc = read_ok(text);
        assert_int_equal(dc->nblocks, 1);
        assert_plain(&dc->blocks[0].text, cases[i].want);
        doc_free(dc);
    }
}

/* ---- tables --------------------------------------------------------------------- */

static void test_gfm_table(void **state)
{
    (void)state;
    static const char text[] = FM
        "\n"
        "表：2018年 **服务贸易**\n"
        "\n"
        "| 区 | 金额 | 增长 | 备注 |\n"
        "|:--|--:|:-:|---|\n"
        "| 横琴 | 35863.0 | **12%** | |\n";
    doc *dc = read_ok(text);
    assert_int_equal(dc->nblocks, 1);
    doc_table *t = dc->blocks[0].table;
    assert_int_equal(dc->blocks[0].kind, DOC_TABLE);
    assert_non_null(t);
    assert_int_equal(t->ncols, 4);
    assert_int_equal(t->nrows, 2);
    assert_plain(&t->caption, "2018年 服务贸易");
    assert_int_equal(t->caption.in[0].src, offset_of(text, "2018年", 0));
    assert_int_equal(t->caption.in[1].flags, IN_BOLD);
    static const doc_align al[] = { ALIGN_LEFT, ALIGN_RIGHT, ALIGN_CENTER, ALIGN_AUTO };
    static const char *const cells[2][4] = { { "区", "金额", "增长", "备注" },
                                             { "横琴", "35863.0", "12%", "" } };
    for (int r = 0; r < 2; r++) {
        assert_int_equal(t->rows[r].header, r == 0);
        assert_int_equal(t->rows[r].ncells, 4);
        for (int c = 0; c < 4; c++) {
            doc_cell *cell = &t->rows[r].cells[c];
            assert_int_equal(cell->colspan, 1);
            assert_int_equal(cell->rowspan, 1);
            assert_int_equal(cell->header, r == 0);
            assert_int_equal(cell->align, al[c]);
            assert_plain(&cell->text, cells[r][c]);
        }
    }
    assert_int_equal(t->rows[1].cells[2].text.in[0].flags, IN_BOLD);
    assert_int_equal(dc->blocks[0].src, offset_of(text, "| 区", 0));
    doc_free(dc);
}

/* An HTML table with spans, a blank line inside it, header rows from <thead> and
 * from rows of <th>, and formatted cell text. */
static void test_html_table(void **state)
{
    (void)state;
    static const char text[] = FM
        "\n"
        "表：不用的表题\n"
        "\n"
        "<table>\n"
        "<caption>各区<b>情况</b></caption>\n"
        "<thead><tr><th rowspan=\"2\">区</th><th colspan=\"2\" align=\"center\">金额</th></tr>\n"
        "<tr><th>合同</th><th>执行</th></tr></thead>\n"
        "\n"
        "<tr><td>横琴\n新区</td><td><strong>1</strong> 万\n美元</td>"
        "<td style=\"text-align: right\">PM<sub>2.5</sub></td></tr>\n"
        "<tr><td colspan=\"3\">合计</td></tr>\n"
        "</table>\n"
        "\n"
        "后文\n"
        "\n"
        "<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>\n";
    doc *dc = read_ok(text);
    assert_int_equal(dc->nblocks, 4);
    assert_int_equal(dc->blocks[0].kind, DOC_PARA);   /* the table has its own caption */
    assert_int_equal(dc->blocks[1].kind, DOC_TABLE);
    assert_int_equal(dc->blocks[2].kind, DOC_PARA);
    assert_plain(&dc->blocks[2].text, "后文");
    doc_table *t = dc->blocks[1].table;
    assert_int_equal(dc->blocks[1].src, offset_of(text, "<table>", 0));
    assert_plain(&t->caption, "各区情况");
    assert_int_equal(t->caption.in[1].flags, IN_BOLD);
    assert_int_equal(t->ncols, 3);
    assert_int_equal(t->nrows, 4);
    static const struct {
        int ncells;
        bool header;
    } rows[] = { { 2, true }, { 2, true }, { 3, false }, { 1, false } };
    for (int r = 0; r < 4; r++) {
        assert_int_equal(t->rows[r].ncells, rows[r].ncells);
        assert_int_equal(t->rows[r].header, rows[r].header);
    }
    doc_cell *c = t->rows[0].cells;
    assert_int_equal(c[0].rowspan, 2);
    assert_int_equal(c[0].colspan, 1);
    assert_int_equal(c[1].colspan, 2);
    assert_int_equal(c[1].align, ALIGN_CENTER);
    assert_true(c[0].header && c[1].header);
    c = t->rows[2].cells;
    assert_false(c[0].header);
    assert_plain(&c[0].text, "横琴新区");             /* the line break vanished */
    assert_plain(&c[1].text, "1 万美元");
    assert_int_equal(c[1].text.in[0].flags, IN_BOLD);
    assert_plain(&c[2].text, "PM2.5");
    assert_int_equal(c[2].text.in[1].flags, IN_SUB);
    assert_int_equal(c[2].align, ALIGN_RIGHT);
    assert_int_equal(c[2].text.in[0].src, offset_of(text, "<table>", 0));
    assert_false(c[2].text.in[0].src_verbatim);
    assert_int_equal(t->rows[3].cells[0].colspan, 3);
    /* Without <thead>, a leading row of <th> is the header. */
    t = dc->blocks[3].table;
    assert_int_equal(t->ncols, 2);
    assert_true(t->rows[0].header);
    assert_false(t->rows[1].header);
    doc_free(dc);
}

/* ---- figures and charts --------------------------------------------------------- */

static void test_figures(void **state)
{
    (void)state;
    char *msgs;
    int errors;
    static const char text[] = FM
        "\n"
        "![图1 **横琴**新区](figures/a.png)\n"
        "\n"
        "![](figures/图%202.jpg)\n"
        "\n"
        "文字 ![行内](figures/a.png) 文字\n"
        "\n"
        "- ![项中的图](figures/a.png)\n"
        "\n"
        "![图3](figures/a.png)\n"
        "![图4](figures/a.png)\n";
    doc *dc = read_text(text, &msgs, &errors);
    assert_non_null(dc);
    assert_int_equal(errors, 0);
    char want[256];
    snprintf(want, sizeof want,
             "t.md:13:10: warning: an image inside text is left out; give it a paragraph of its "
             "own to make it a figure\n");
    assert_string_equal(msgs, want);
    free(msgs);
    assert_int_equal(dc->nblocks, 7);
    char path[256];
    doc_block *b = &dc->blocks[0];
    assert_int_equal(b->kind, DOC_FIGURE);
    snprintf(path, sizeof path, "%s/figures/a.png", figdir);
    assert_string_equal(b->figure->path, path);
    assert_plain(&b->figure->caption, "图1 横琴新区");
    assert_int_equal(b->figure->caption.in[1].flags, IN_BOLD);
    assert_int_equal(b->text.nin, 0);
    assert_int_equal(b->src, offset_of(text, "figures/a.png", 0));
    b = &dc->blocks[1];
    snprintf(path, sizeof path, "%s/figures/图 2.jpg", figdir);
    assert_string_equal(b->figure->path, path);
    assert_int_equal(b->figure->caption.nin, 0);
    assert_int_equal(dc->blocks[2].kind, DOC_PARA);
    assert_plain(&dc->blocks[2].text, "文字  文字");
    assert_int_equal(dc->blocks[3].kind, DOC_ITEM);  /* keeps the marker */
    assert_string_equal(dc->blocks[3].marker, "•");
    assert_int_equal(dc->blocks[4].kind, DOC_FIGURE);
    assert_plain(&dc->blocks[4].figure->caption, "项中的图");
    /* A paragraph of images only: a figure each. */
    assert_int_equal(dc->blocks[5].kind, DOC_FIGURE);
    assert_plain(&dc->blocks[5].figure->caption, "图3");
    assert_int_equal(dc->blocks[6].kind, DOC_FIGURE);
    assert_plain(&dc->blocks[6].figure->caption, "图4");
    assert_int_equal(dc->blocks[6].src, offset_of(text, "figures/a.png", 4));
    doc_free(dc);
}

static void test_chart(void **state)
{
    (void)state;
    doc *dc = read_ok(FM
                      "\n"
                      "```chart\n"
                      "# 注释\n"
                      "type: grouped-bar\n"
                      "title: 珠海市及各区12月服务外包执行\n"
                      "unit：万美元\n"
                      "labels: 横琴新区, 香洲区、金湾区，斗门区\n"
                      "series: 执行金额 | 35863.0, 8232.2, 849.4, -1e3\n"
                      "series: 合同金额 ｜ 1，2、3, +.5\n"
                      "```\n"
                      "\n"
                      "~~~chart\n"
                      "type: pie\n"
                      "labels: 甲\n"
                      "series: 份额 | 100\n"
                      "~~~\n");
    assert_int_equal(dc->nblocks, 2);
    assert_int_equal(dc->blocks[0].kind, DOC_CHART);
    doc_chart *c = dc->blocks[0].chart;
    assert_int_equal(c->type, CHART_GROUPED_BAR);
    assert_string_equal(c->title, "珠海市及各区12月服务外包执行");
    assert_string_equal(c->unit, "万美元");
    assert_int_equal(c->nlabels, 4);
    static const char *const labels[] = { "横琴新区", "香洲区", "金湾区", "斗门区" };
    for (int i = 0; i < 4; i++)
        assert_string_equal(c->labels[i], labels[i]);
    assert_int_equal(c->nseries, 2);
    assert_string_equal(c->series[0].name, "执行金额");
    assert_string_equal(c->series[1].name, "合同金额");
    static const double v0[] = { 35863.0, 8232.2, 849.4, -1000 }, v1[] = { 1, 2, 3, 0.5 };
    for (int i = 0; i < 4; i++) {
        assert_true(c->series[0].values[i] == v0[i]);
        assert_true(c->series[1].values[i] == v1[i]);
    }
    c = dc->blocks[1].chart;
    assert_int_equal(c->type, CHART_PIE);
    assert_null(c->title);
    assert_null(c->unit);
    assert_true(c->series[0].values[0] == 100);
    doc_free(dc);
}

static void test_chart_errors(void **state)
{
    (void)state;
    char *msgs;
    doc *dc = read_text(FM
                        "\n"
                        "```chart\n"
                        "type: pie\n"
                        "type: bar\n"
                        "labels: a,, b\n"
                        "series: 无竖线 1, 2\n"
                        "series:  | 1\n"
                        "series: s | 1, 2\n"
                        "series: t | -1, 2\n"
                        "nonsense\n"
                        "```\n"
                        "\n"
                        "```chart\n"
                        "```\n",
                        &msgs, NULL);
    assert_null(dc);
    assert_string_equal(msgs,
        "t.md:11:1: error: duplicate chart key 'type'; keep one\n"
        "t.md:12:11: error: empty label in 'labels:'; separate labels with commas or 、\n"
        "t.md:13:9: error: a series is 'name | value, value, …'; add the '|' after the name\n"
        "t.md:14:10: error: the series has no name; write 'name | values'\n"
        "t.md:17:1: error: expected 'key: value' in the chart block (keys: type, title, unit, "
        "labels, series)\n"
        "t.md:20:1: error: the chart has no 'type:' line; add 'type: bar' (or grouped-bar, line, "
        "pie)\n"
        "t.md:20:1: error: the chart has no 'labels:' line; add 'labels: a, b, c'\n"
        "t.md:20:1: error: the chart has no 'series:' line; add 'series: name | value, value, "
        "…'\n");
    free(msgs);
}

/* ---- warnings, directories, sizes ----------------------------------------------- */

static void test_warnings(void **state)
{
    (void)state;
    char *msgs;
    int errors;
    doc *dc = read_text(FM
                        "\n"
                        "<div>不支持</div>\n"
                        "\n"
                        "<!-- 注释 -->\n"
                        "\n"
                        "文字<span>x</span>和<sub>未闭合\n"
                        "\n"
                        "```\n"
                        "没有结束\n",
                        &msgs, &errors);
    assert_non_null(dc);
    assert_int_equal(errors, 0);
    assert_string_equal(msgs,
        "t.md:9:1: warning: raw HTML is left out (only <table> is read); write this in Markdown\n"
        "t.md:13:3: warning: HTML tag <span> is not supported here and is left out (its text is "
        "kept)\n"
        "t.md:13:10: warning: HTML tag </span> is not supported here and is left out (its text is "
        "kept)\n"
        "t.md:13:18: warning: <sub> is not closed in this paragraph; add </sub>\n"
        "t.md:15:1: warning: this code block is not closed, so the rest of the file is code; "
        "close it with a line ```\n");
    free(msgs);
    assert_int_equal(dc->nblocks, 2);
    assert_plain(&dc->blocks[0].text, "文字x和未闭合");
    assert_int_equal(dc->blocks[0].text.in[3].flags, IN_SUB);
    doc_free(dc);
}

/* doc_read takes the issue directory or its issue.md. */
static void test_read_dir(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof path, "%s/issue.md", figdir);
    static const char text[] = FM "\n![图](figures/a.png)\n";
    write_file(path, text, strlen(text));
    diag d;
    diag_init(&d, stderr);
    doc *dc = doc_read(figdir, &d);
    assert_non_null(dc);
    assert_string_equal(dc->dir, figdir);
    assert_string_equal(dc->src->path, path);
    assert_int_equal(dc->blocks[0].kind, DOC_FIGURE);
    doc_free(dc);
    dc = doc_read(path, &d);
    assert_non_null(dc);
    assert_string_equal(dc->dir, figdir);
    doc_free(dc);
    assert_int_equal(d.errors, 0);

    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    diag_init(&d, f);
    snprintf(path, sizeof path, "%s/nothing", tu_tmpdir());
    assert_null(doc_read(path, &d));
    fclose(f);
    char want[512];
    snprintf(want, sizeof want, "%s: error: cannot read the issue: No such file or directory\n",
             path);
    assert_string_equal(buf, want);
    free(buf);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A 10 MB paragraph is read, in linear time: as one line, and as lines of two
 * sentences (the line breaks, between 。 and 近, vanish). */
static void test_big_paragraph(void **state)
{
    (void)state;
    static const char unit[] = "近日，金邦达成功通过国家知识产权管理专业机构评审，**获得** PCI 认证。";
    const size_t ul = strlen(unit), fm = strlen(FM "\n"), units = (10u << 20) / ul + 1;
    for (int lines = 0; lines < 2; lines++) {
        char *text = malloc(fm + units * (ul + 1) + 1);
        assert_non_null(text);
        memcpy(text, FM "\n", fm);
        size_t o = fm, want = 0;
        for (size_t k = 0; k < units; k++) {
            if (k) {
                bool nl = lines && k % 2 == 0;
                text[o++] = nl ? '\n' : ' ';
                want += !nl;
            }
            memcpy(text + o, unit, ul);
            o += ul;
            want += ul - 4;   /* the two ** are not text */
        }
        text[o++] = '\n';
        text[o] = 0;
        assert_true(o > (10u << 20));
        double t0 = now();
        diag d;
        diag_init(&d, stderr);
        doc *dc = doc_read_mem("big.md", text, o, figdir, &d);
        double dt = now() - t0;
        assert_non_null(dc);
        assert_int_equal(dc->nblocks, 1);
        size_t total = 0;
        for (int i = 0; i < dc->blocks[0].text.nin; i++)
            total += strlen(dc->blocks[0].text.in[i].text);
        assert_int_equal(total, want);
        doc_free(dc);
        free(text);
        /* The time is printed, never asserted (a busy machine is slow); make bench
         * measures. */
        print_message("10 MB paragraph (%s): %.3f s\n", lines ? "short lines" : "one line", dt);
    }
}


/* ---- issue 12: real-world text -------------------------------------------------- */

/* Each inline of a block: its text, its flags, and (verbatim) where it starts. */
typedef struct {
    const char *text;
    unsigned flags;
    const char *at;           /* the source text it starts at (NULL: not checked) */
} want_inline;

static void assert_inlines(const char *src, const doc_text *t, const want_inline *w, int n)
{
    if (t->nin != n) {
        for (int i = 0; i < t->nin; i++)
            print_message("  [%x] «%s»\n", t->in[i].flags, t->in[i].text);
        fail_msg("%d inlines, want %d", t->nin, n);
    }
    for (int i = 0; i < n; i++) {
        assert_string_equal(t->in[i].text, w[i].text);
        assert_int_equal(t->in[i].flags, w[i].flags);
        if (w[i].at) {
            assert_true(t->in[i].src_verbatim);
            assert_int_equal(t->in[i].src, offset_of(src, w[i].at, 0));
        }
    }
}

/* CJK-friendly emphasis: a delimiter next to CJK punctuation opens and closes, as
 * markdown-it-cjk-friendly does; every inline keeps its exact source offset (the
 * stand-ins md4c reads never reach the text). Plain CommonMark cases stay as they
 * were. */
static void test_cjk_emphasis(void **state)
{
    (void)state;
    static const char text[] = FM
        "\n"
        "**会议指出：**协会将继续。\n"
        "\n"
        "这是*重点*，请注意。\n"
        "\n"
        "**“标题”**的写法。\n"
        "\n"
        "在**“标题”**的写法。\n"
        "\n"
        "协会：**重点**内容。\n"
        "\n"
        "2*3*4 和 a * b * c 和 **粗**体。\n";
    doc *dc = read_ok(text);
    assert_int_equal(dc->nblocks, 6);
    const want_inline b0[] = { { "会议指出：", IN_BOLD, "会议指出" }, { "协会将继续。", 0, "协会将" } };
    assert_inlines(text, &dc->blocks[0].text, b0, 2);
    const want_inline b1[] = { { "这是", 0, "这是" }, { "重点", IN_EM, "重点*" },
                               { "，请注意。", 0, "，请注意" } };
    assert_inlines(text, &dc->blocks[1].text, b1, 3);
    const want_inline b2[] = { { "“标题”", IN_BOLD, "“标题”**的" }, { "的写法。", 0, "的写法。\n\n在" } };
    assert_inlines(text, &dc->blocks[2].text, b2, 2);
    const want_inline b3[] = { { "在", 0, "在**" }, { "“标题”", IN_BOLD, "“标题”**的写法。\n\n协" },
                               { "的写法。", 0, "的写法。\n\n协" } };
    assert_inlines(text, &dc->blocks[3].text, b3, 3);
    const want_inline b4[] = { { "协会：", 0, "协会：" }, { "重点", IN_BOLD, "重点**内" },
                               { "内容。", 0, "内容。" } };
    assert_inlines(text, &dc->blocks[4].text, b4, 3);
    const want_inline b5[] = { { "2", 0, "2*3" }, { "3", IN_EM, "3*4" }, { "4 和 a * b * c 和 ", 0, NULL },
                               { "粗", IN_BOLD, "粗**体" }, { "体。", 0, "体。" } };
    assert_inlines(text, &dc->blocks[5].text, b5, 5);
    doc_free(dc);
}

/* Hard breaks: two trailing spaces and a trailing backslash end the line (IN_BR). */
static void test_hard_breaks(void **state)
{
    (void)state;
    static const char text[] = FM "\n--bzip2  \n使用 bzip2 压缩。\\\n第二行。\n";
    doc *dc = read_ok(text);
    assert_int_equal(dc->nblocks, 1);
    const want_inline w[] = { { "--bzip2", 0, "--bzip2" }, { " ", IN_BR, NULL },
                              { "使用 bzip2 压缩。", 0, "使用" }, { " ", IN_BR, NULL },
                              { "第二行。", 0, "第二行" } };
    assert_inlines(text, &dc->blocks[0].text, w, 5);
    doc_free(dc);
}

/* Code blocks (fenced and indented) keep their lines: one IN_CODE inline per piece,
 * IN_BR between lines (none after the last), an empty line kept, a tab to the next
 * stop of four; a ```signature block's lines are IN_KEEP, their leading blanks gone. */
static void test_code_and_signature(void **state)
{
    (void)state;
    static const char text[] = FM
        "\n"
        "```sh\n"
        "foo login: penguin\n"
        "\n"
        "a\tb\n"
        "```\n"
        "\n"
        "    indented\n"
        "    second\n"
        "\n"
        "```signature\n"
        "  自然资源部\n"
        "2019年2月12日\n"
        "```\n";
    doc *dc = read_ok(text);
    assert_int_equal(dc->nblocks, 3);
    assert_int_equal(dc->blocks[0].kind, DOC_CODE);
    const want_inline c0[] = { { "foo login: penguin", IN_CODE, "foo login" }, { " ", IN_CODE | IN_BR, NULL },
                               { " ", IN_CODE | IN_BR, NULL }, { "a", IN_CODE, "a\tb" },
                               { "   ", IN_CODE, NULL }, { "b", IN_CODE, "b\n```\n\n" } };
    assert_inlines(text, &dc->blocks[0].text, c0, 6);
    assert_int_equal(dc->blocks[0].src, offset_of(text, "foo login", 0));
    assert_int_equal(dc->blocks[1].kind, DOC_CODE);
    assert_plain(&dc->blocks[1].text, "indented second");
    assert_int_equal(dc->blocks[1].text.in[1].flags, IN_CODE | IN_BR);
    assert_int_equal(dc->blocks[2].kind, DOC_SIGNATURE);
    const want_inline s0[] = { { "自然资源部", IN_KEEP, "自然资源部" }, { " ", IN_KEEP | IN_BR, NULL },
                               { "2019年2月12日", IN_KEEP, "2019年2月12日" } };
    assert_inlines(text, &dc->blocks[2].text, s0, 3);
    doc_free(dc);
}

/* A paragraph that starts with a list label: the label is an inline of its own
 * (IN_LABEL), the blanks after it go, the rest keeps its offset. */
static void test_labels(void **state)
{
    (void)state;
    static const char text[] = FM
        "\n"
        "（七） 创新驱动。\n\n"
        "(十三) 支持。\n\n"
        "第一节 总则\n\n"
        "1.据广东省。\n\n"
        "一、概况。\n\n"
        "①第一。\n\n"
        "1.5万元。\n\n"
        "（来源：珠海特区报）\n\n"
        "第一次会议。\n";
    doc *dc = read_ok(text);
    assert_int_equal(dc->nblocks, 9);
    static const char *const label[] = { "（七）", "(十三)", "第一节", "1.", "一、", "①" };
    static const char *const rest[] = { "创新驱动。", "支持。", "总则", "据广东省。", "概况。", "第一。" };
    for (int i = 0; i < 6; i++) {
        const want_inline w[] = { { label[i], IN_LABEL, label[i] }, { rest[i], 0, rest[i] } };
        assert_inlines(text, &dc->blocks[i].text, w, 2);
    }
    for (int i = 6; i < 9; i++)
        assert_int_equal(dc->blocks[i].text.nin, 1);
    assert_int_equal(dc->blocks[7].kind, DOC_SOURCE);
    doc_free(dc);
}

/* CL-LB-12 beside a full-width mark: a line break after （ or before ） is nothing. */
static void test_break_at_bracket(void **state)
{
    (void)state;
    doc *dc = read_ok(FM "\n很长的括号（\nr）测试，\nLinux\n（内核）。\n");
    assert_plain(&dc->blocks[0].text, "很长的括号（r）测试，Linux（内核）。");
    doc_free(dc);
}

/* ---- the bad-input corpus -------------------------------------------------------- */

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

/* Each tests/bad/NAME.md gives exactly the first message in NAME.expected: an error
 * (the read fails) or, for the silent mistakes, a warning (the read succeeds). */
static void test_bad_files(void **state)
{
    (void)state;
    DIR *dir = opendir("tests/bad");
    assert_non_null(dir);
    int count = 0;
    struct dirent *e;
    while ((e = readdir(dir))) {
        size_t n = strlen(e->d_name);
        if (n < 4 || strcmp(e->d_name + n - 3, ".md") != 0)
            continue;
        char path[512], exp[512];
        snprintf(path, sizeof path, "tests/bad/%s", e->d_name);
        snprintf(exp, sizeof exp, "tests/bad/%.*s.expected", (int)(n - 3), e->d_name);
        char *want = read_all(exp), *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        diag d;
        diag_init(&d, f);
        doc *dc = doc_read(path, &d);
        fclose(f);
        bool warning = strstr(want, ": warning: ") != NULL;
        if (warning && (!dc || d.errors || !d.warnings))
            fail_msg("%s: want a warning and no error", path);
        if (!warning && (dc || d.errors == 0))
            fail_msg("%s was read without an error", path);
        doc_free(dc);
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
    assert_true(count >= 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_front_matter),
        cmocka_unit_test(test_all_errors),
        cmocka_unit_test(test_blocks),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_inlines),
        cmocka_unit_test(test_soft_breaks),
        cmocka_unit_test(test_gfm_table),
        cmocka_unit_test(test_html_table),
        cmocka_unit_test(test_figures),
        cmocka_unit_test(test_chart),
        cmocka_unit_test(test_chart_errors),
        cmocka_unit_test(test_warnings),
        cmocka_unit_test(test_read_dir),
        cmocka_unit_test(test_big_paragraph),
        cmocka_unit_test(test_cjk_emphasis),
        cmocka_unit_test(test_hard_breaks),
        cmocka_unit_test(test_code_and_signature),
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_break_at_bracket),
        cmocka_unit_test(test_bad_files),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
