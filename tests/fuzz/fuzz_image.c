/* libFuzzer target: the figures' image files (PNG and JPEG) on arbitrary bytes, through
 * the entry points a build uses: image_file_read (the header, the pixel budget),
 * image_decode (every sample), then what each writer does with them — the plain
 * writer's libharu calls (a JPEG's bytes as they are, a PNG's samples and alpha) and
 * the press writer's pdfx_load_image (alpha flattened, RGB through lcms2 to CMYK with
 * the file's own ICC profile when it has one, the ink limit). The bytes go to a file
 * of this process's under /tmp, since a figure is always read from a file. A broken
 * file must be an error with a reason, never a crash. Run from the repository root
 * (make fuzz): the press profile is found in styles/icc. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hpdf.h>

#include "layout/image/image.h"
#include "layout/pdf/pdf_options.h"
#include "layout/pdf/pdfx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One PDF and press state for many inputs, made again after 64 images or 512 MB of
 * samples, so that the images stored in it do not pile up (a small file may hold the
 * pixel budget's 40 M pixels, and libharu keeps a copy of each). */
static HPDF_Doc pdf;
static pdfx_state *press;
static pdf_options popt;
static int stored;
static size_t stored_bytes;

static void writers_reset(void)
{
    pdfx_state_free(press);
    if (pdf)
        HPDF_Free(pdf);
    pdf = HPDF_New(NULL, NULL);
    if (!pdf)
        abort();
    pdf_options_default(&popt);
    popt.standard = PDF_X1A;
    popt.date = 1552608000;   /* 2019-03-15: press output needs a date */
    char err[600];
    press = pdfx_state_new(pdf, &popt, err, sizeof err);
    if (!press) {
        fprintf(stderr, "fuzz_image: no press state (%s); run from the repository root\n", err);
        abort();
    }
    stored = 0;
    stored_bytes = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/jianbao-fuzz-image-%ld.img", (long)getpid());
    if (!pdf || stored >= 64 || stored_bytes >= ((size_t)512 << 20))
        writers_reset();
    FILE *fp = fopen(path, "wb");
    if (!fp || (size && fwrite(data, 1, size, fp) != size) || fclose(fp))
        abort();

    char err[300] = "";
    image_file f;
    if (image_file_read(path, &f, err, sizeof err)) {
        if (!err[0])
            abort();            /* every refusal says why */
        return 0;
    }
    const image_info *in = &f.info;
    if (in->px_w < 1 || in->px_h < 1 ||
        (unsigned long long)in->px_w * (unsigned long long)in->px_h > IMAGE_MAX_PIXELS ||
        f.len != size || (in->kind != IMAGE_PNG && in->kind != IMAGE_JPEG))
        abort();

    image_raster r;
    err[0] = 0;
    if (image_decode(&f, &r, err, sizeof err)) {
        if (!err[0] || r.px || r.alpha || r.icc)
            abort();
        image_file_free(&f);
        return 0;
    }
    /* the raster is the header's size, every sample there (ASan checks the last) */
    if (r.w != (unsigned)in->px_w || r.h != (unsigned)in->px_h || !r.px ||
        (r.nc != 1 && r.nc != 3 && r.nc != 4) || (r.icc && r.icc_len == 0))
        abort();
    size_t npx = (size_t)r.w * r.h;
    stored_bytes += npx * (size_t)(r.nc + 1);
    volatile unsigned char sink = r.px[npx * (size_t)r.nc - 1];
    if (r.alpha)
        sink = r.alpha[npx - 1];
    if (r.icc)
        sink = r.icc[r.icc_len - 1];
    (void)sink;

    /* the plain writer */
    if (in->kind == IMAGE_JPEG) {
        HPDF_LoadJpegImageFromMem(pdf, f.data, (HPDF_UINT)f.len);
    } else if (r.nc != 4) {
        HPDF_Image img = HPDF_LoadRawImageFromMem(pdf, r.px, r.w, r.h,
                                                  r.nc == 1 ? HPDF_CS_DEVICE_GRAY
                                                            : HPDF_CS_DEVICE_RGB, 8);
        if (img && r.alpha) {
            HPDF_Image mask = HPDF_LoadRawImageFromMem(pdf, r.alpha, r.w, r.h,
                                                       HPDF_CS_DEVICE_GRAY, 8);
            if (mask)
                HPDF_Image_AddSMask(img, mask);
        }
    }
    HPDF_ResetError(pdf);
    image_raster_free(&r);

    /* the press writer */
    char perr[600] = "";
    if (!pdfx_load_image(press, pdf, &f, path, perr, sizeof perr) && !perr[0])
        abort();
    HPDF_ResetError(pdf);
    stored++;
    image_file_free(&f);
    return 0;
}
