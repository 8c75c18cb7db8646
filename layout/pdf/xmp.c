/* xmp — see xmp.h. */
#include "layout/pdf/xmp.h"

#include <stdio.h>
#include <time.h>

#include <hpdf_doc.h>
#include <hpdf_objects.h>

#include "layout/base/strbuf.h"

/* XML text content, escaped. */
static void xml_text(strbuf *b, const char *s)
{
    char one[2] = { 0, 0 };
    for (; s && *s; s++) {
        switch (*s) {
        case '&': strbuf_str(b, "&amp;"); break;
        case '<': strbuf_str(b, "&lt;"); break;
        case '>': strbuf_str(b, "&gt;"); break;
        case '"': strbuf_str(b, "&quot;"); break;
        default:
            /* XML 1.0 forbids most control characters. */
            if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n')
                break;
            one[0] = *s;
            strbuf_str(b, one);
        }
    }
}

static void prop(strbuf *b, const char *tag, const char *pre, const char *v, const char *post)
{
    if (!v || !*v)
        return;
    strbuf_printf(b, "   <%s>%s", tag, pre);
    xml_text(b, v);
    strbuf_printf(b, "%s</%s>\n", post, tag);
}

/* The Producer libharu and pdf.c wrote into Info, so that XMP says the same. */
static const char *info_producer(HPDF_Doc pdf)
{
    HPDF_String s = pdf->info ? HPDF_Dict_GetItem(pdf->info, "Producer", HPDF_OCLASS_STRING)
                              : NULL;
    return s ? (const char *)s->value : NULL;
}

int xmp_write(HPDF_Doc pdf, const xmp_fields *f, char *err, size_t errlen)
{
    char date[32] = "";
    if (f->date >= 0) {
        time_t t = (time_t)f->date;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    strbuf b = { 0 };
    strbuf_str(&b, "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                   "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                   " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                   "  <rdf:Description rdf:about=\"\"\n"
                   "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
                   "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
                   "    xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"");
    if (f->doc_id)
        strbuf_str(&b, "\n    xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\"");
    if (f->pdfx)
        strbuf_str(&b, "\n    xmlns:pdfxid=\"http://www.npes.org/pdfx/ns/id/\"");
    if (f->ua)
        strbuf_str(&b, "\n    xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\"");
    strbuf_str(&b, ">\n   <dc:format>application/pdf</dc:format>\n");
    prop(&b, "dc:title", "<rdf:Alt><rdf:li xml:lang=\"x-default\">", f->title,
         "</rdf:li></rdf:Alt>");
    prop(&b, "dc:creator", "<rdf:Seq><rdf:li>", f->creator, "</rdf:li></rdf:Seq>");
    prop(&b, "dc:description", "<rdf:Alt><rdf:li xml:lang=\"x-default\">", f->description,
         "</rdf:li></rdf:Alt>");
    prop(&b, "dc:language", "<rdf:Bag><rdf:li>", f->lang, "</rdf:li></rdf:Bag>");
    prop(&b, "xmp:CreateDate", "", date, "");
    prop(&b, "xmp:ModifyDate", "", date, "");
    prop(&b, "xmp:MetadataDate", "", date, "");
    prop(&b, "xmp:CreatorTool", "", f->creator_tool, "");
    prop(&b, "pdf:Producer", "", info_producer(pdf), "");
    prop(&b, "pdf:Keywords", "", f->keywords, "");
    if (f->pdfx)
        prop(&b, "pdf:Trapped", "", "False", "");
    if (f->doc_id) {
        prop(&b, "xmpMM:DocumentID", "", f->doc_id, "");
        prop(&b, "xmpMM:InstanceID", "", f->instance_id, "");
        prop(&b, "xmpMM:VersionID", "", "1", "");
        prop(&b, "xmpMM:RenditionClass", "", "default", "");
    }
    prop(&b, "pdfxid:GTS_PDFXVersion", "", f->pdfx, "");
    if (f->ua)
        prop(&b, "pdfuaid:part", "", "1", "");
    strbuf_str(&b, "  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n");
    /* Room for editors to update the packet in place. */
    for (int i = 0; i < 20; i++)
        strbuf_str(&b, "                                                                   \n");
    strbuf_str(&b, "<?xpacket end=\"w\"?>");
    HPDF_Dict s = b.oom ? NULL : HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    int rc = s && !HPDF_Dict_AddName(s, "Type", "Metadata") &&
                     !HPDF_Dict_AddName(s, "Subtype", "XML") &&
                     !HPDF_Stream_Write(s->stream, (const HPDF_BYTE *)b.p, (HPDF_UINT)b.n) &&
                     !HPDF_Dict_Add(pdf->catalog, "Metadata", s)
                 ? 0
                 : -1;
    if (s)
        s->filter = HPDF_STREAM_FILTER_NONE;
    strbuf_free(&b);
    if (rc)
        snprintf(err, errlen, "could not write the XMP metadata");
    return rc;
}
