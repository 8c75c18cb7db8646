/* The image module: headers (size, depth, density) from PNG and JPEG, full decoding
 * to 8-bit samples with alpha apart, and every kind of broken or hostile file turned
 * into a message: bad data behind valid checksums, truncation, headers that claim
 * more pixels than the budget or than the data can hold, files that are not images,
 * a FIFO. Images are made with ImageMagick's convert in a temporary directory. */
#include "testutil.h"

#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layout/image/image.h"

static char cwd[1024];

static void sh(const char *cmd)
{
    int st;
    char *out = tu_run(&st, "%s", cmd);
    free(out);
    if (st != 0)
        fail_msg("command failed: %s", cmd);
}

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static unsigned char buf[1 << 20];
    *n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return buf;
}

static void spit(const char *path, const unsigned char *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, n, f), n);
    fclose(f);
}

static uint32_t crc32_png(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xFFFFFFFFu;
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Damages the zlib data inside the first IDAT and writes a valid checksum for it:
 * every chunk is well formed, only the image data is broken. */
static void break_idat_data(const char *src, const char *dst)
{
    size_t n;
    unsigned char *b = slurp(src, &n);
    for (size_t i = 8; i + 12 <= n;) {
        uint32_t len = get32(b + i);
        if (memcmp(b + i + 4, "IDAT", 4) == 0) {
            for (uint32_t k = 2; k < len && k < 40; k++)
                b[i + 8 + k] ^= 0xA5;
            put32(b + i + 8 + len, crc32_png(b + i + 4, (size_t)len + 4));
            spit(dst, b, n);
            return;
        }
        i += (size_t)len + 12;
    }
    fail_msg("no IDAT in %s", src);
}

/* A PNG whose IHDR says w×h (checksum right) followed by a little real data. */
static void png_claiming(const char *src, const char *dst, uint32_t w, uint32_t h)
{
    size_t n;
    unsigned char *b = slurp(src, &n);
    put32(b + 16, w);
    put32(b + 20, h);
    put32(b + 29, crc32_png(b + 12, 17));
    spit(dst, b, n);
}

static int setup(void **state)
{
    (void)state;
    if (!getcwd(cwd, sizeof cwd) || chdir(tu_tmpdir()))
        return -1;
    sh("convert -size 1200x800 gradient:'#1f4e96'-'#e8eef7' -depth 8 -units PixelsPerInch "
       "-density 150 a.png");
    sh("convert -size 600x1200 gradient:gray20-gray90 -depth 16 tall16.png");
    sh("convert -size 90x60 gradient:'#1f4e96'-'#f0c040' -interlace PNG inter.png");
    sh("convert -size 40x30 xc:'rgba(255,0,0,0.5)' alpha.png");
    sh("convert -size 40x30 xc:red -alpha on opaque.png");
    sh("convert -size 900x600 gradient:'#1f4e96'-'#f0c040' -quality 90 -units PixelsPerInch "
       "-density 300 photo.jpg");
    sh("convert -size 64x64 xc:white -quality 50 white.jpg");
    sh("printf 'not an image at all' > text.png");
    sh("head -c 300 photo.jpg > cut.jpg");
    sh("head -c 6000 photo.jpg > short.jpg");     /* a third of it */
    sh("head -c 60 a.png > cut.png");
    sh("mkfifo fifo.png");
    break_idat_data("a.png", "baddata.png");
    png_claiming("a.png", "huge.png", 100000, 100000);
    png_claiming("a.png", "thin.png", 1, 2147483647u);
    /* 6000×6000 is inside the pixel budget but far more than a 1×1 PNG's hundred
     * bytes can hold. */
    sh("convert -size 1x1 xc:gray50 dot.png");
    png_claiming("dot.png", "bomb.png", 6000, 6000);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (chdir(cwd))
        return -1;
    return tu_cleanup();
}

static void test_headers(void **state)
{
    (void)state;
    image_file f;
    char err[300];
    assert_int_equal(image_file_read("a.png", &f, err, sizeof err), 0);
    assert_int_equal(f.info.kind, IMAGE_PNG);
    assert_int_equal(f.info.px_w, 1200);
    assert_int_equal(f.info.px_h, 800);
    assert_int_equal(f.info.bits, 8);
    assert_true(f.info.dpi_x > 149.9 && f.info.dpi_x < 150.1);   /* 5906 px/m */
    image_file_free(&f);
    assert_int_equal(image_file_read("tall16.png", &f, err, sizeof err), 0);
    assert_int_equal(f.info.bits, 16);
    image_file_free(&f);
    assert_int_equal(image_file_read("photo.jpg", &f, err, sizeof err), 0);
    assert_int_equal(f.info.kind, IMAGE_JPEG);
    assert_int_equal(f.info.px_w, 900);
    assert_int_equal(f.info.px_h, 600);
    assert_int_equal(f.info.components, 3);
    assert_true(f.info.dpi_y > 299.99 && f.info.dpi_y < 300.01);
    image_file_free(&f);
}

/* Decoded to 8 bits: 16-bit and interlaced PNGs, alpha apart (and dropped when every
 * pixel is opaque), JPEG as RGB. */
static void test_decode(void **state)
{
    (void)state;
    static const struct {
        const char *path;
        unsigned w, h;
        int nc;
        bool alpha;
    } ok[] = {
        { "tall16.png", 600, 1200, 1, false },
        { "inter.png", 90, 60, 3, false },
        { "alpha.png", 40, 30, 3, true },
        { "opaque.png", 40, 30, 3, false },
        { "photo.jpg", 900, 600, 3, false },
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        image_file f;
        image_raster r;
        char err[300];
        if (image_file_read(ok[i].path, &f, err, sizeof err) ||
            image_decode(&f, &r, err, sizeof err))
            fail_msg("%s: %s", ok[i].path, err);
        assert_int_equal(r.w, ok[i].w);
        assert_int_equal(r.h, ok[i].h);
        assert_int_equal(r.nc, ok[i].nc);
        assert_int_equal(r.alpha != NULL, ok[i].alpha);
        if (r.alpha)
            assert_in_range(r.alpha[0], 126, 129);   /* 50 % */
        image_raster_free(&r);
        image_file_free(&f);
    }
    /* The top row of the 16-bit gradient is gray20: 0.2 × 255. */
    image_file f;
    image_raster r;
    char err[300];
    assert_int_equal(image_file_read("tall16.png", &f, err, sizeof err), 0);
    assert_int_equal(image_decode(&f, &r, err, sizeof err), 0);
    assert_in_range(r.px[0], 50, 53);
    image_raster_free(&r);
    image_file_free(&f);
}

/* Every broken file is a message, never an abort; the check decodes all samples, so
 * data broken behind valid checksums is found. */
static void test_broken(void **state)
{
    (void)state;
    static const struct {
        const char *path, *msg;
    } bad[] = {
        { "baddata.png", "is a broken PNG (" },
        { "cut.png", "is a broken PNG (" },
        { "cut.jpg", "is corrupt (its header claims 900x600 pixels, more than its 300 bytes" },
        { "short.jpg", "is a broken JPEG (" },
        { "text.png", "is not a PNG or JPEG image; export it again as PNG or JPEG" },
        { "none.png", "cannot be read: No such file or directory" },
        { "fifo.png", "cannot be read: not a regular file" },
        { "huge.png", "is 100000x100000 pixels, more than the 40 million this program decodes" },
        { "thin.png", "is a broken PNG (" },
        { "bomb.png", "is corrupt (its header claims 6000x6000 pixels, more than its" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        image_info info;
        char err[300] = "";
        if (image_check(bad[i].path, &info, err, sizeof err) == 0)
            fail_msg("%s: accepted", bad[i].path);
        if (!strstr(err, bad[i].msg))
            fail_msg("%s: got \"%s\"", bad[i].path, err);
    }
}

/* The budget is checked on the header, before the samples are allocated. */
static void test_budget(void **state)
{
    (void)state;
    char err[300];
    image_info info;
    sh("convert -size 8000x6000 xc:white big.jpg");
    assert_int_equal(image_check("big.jpg", &info, err, sizeof err), -1);
    assert_non_null(strstr(err, "is 8000x6000 pixels, more than the 40 million"));
    sh("convert -size 8000x4000 xc:white ok.jpg");
    assert_int_equal(image_check("ok.jpg", &info, err, sizeof err), 0);
    assert_int_equal(info.px_w, 8000);
    /* A flat white JPEG is tiny but still holds two bits a block. */
    assert_int_equal(image_check("white.jpg", &info, err, sizeof err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_headers),
        cmocka_unit_test(test_decode),
        cmocka_unit_test(test_broken),
        cmocka_unit_test(test_budget),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
