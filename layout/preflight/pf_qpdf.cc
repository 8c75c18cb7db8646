// pf_qpdf — see pf_qpdf_int.h.
//
// Content streams are split by QPDFTokenizer, the lexer qpdf's own content parser
// uses; not by QPDFObjectHandle::parseContentStream, which needs the stream inside a
// QPDF object, decodes it without a size limit and builds an object per operand. Here
// the operands go into two flat lists (values, and the elements of array operands)
// with their bytes in one string, reused from operator to operator: memory stays in
// proportion to one operator, and nothing recurses, however deeply arrays nest.
#define POINTERHOLDER_TRANSITION 4 // qpdf 11: no PointerHolder, no warning

#include "layout/preflight/pf_qpdf_int.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include <qpdf/Buffer.hh>
#include <qpdf/BufferInputSource.hh>
#include <qpdf/Pipeline.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFTokenizer.hh>

namespace {

// An operand while it is being read: its bytes are an offset into the byte store, its
// elements an index into the element list (both may move as they grow).
struct Operand {
    pfv_kind k;
    double num;
    size_t off, len;          // bytes (names, strings); arrays: first element, count
    bool partial;
};

class ContentReader {
  public:
    ContentReader(pfc_fn fn, void *ctx) : fn_(fn), ctx_(ctx) {}
    pfc_status read(const unsigned char *data, size_t len, size_t *tokens_left);

  private:
    bool deliver(const std::string &op);
    void value(const QPDFTokenizer::Token &t);
    Operand scalar(const QPDFTokenizer::Token &t);
    size_t keep(const std::string &s);
    void push_arg(const Operand &o);

    pfc_fn fn_;
    void *ctx_;
    std::vector<Operand> args_, elems_;
    std::string bytes_;
    int array_depth_ = 0, dict_depth_ = 0;
    Operand array_{};         // the array operand being read (array_depth_ > 0)
    std::vector<pfc_value> out_args_, out_elems_;
};

size_t ContentReader::keep(const std::string &s)
{
    size_t off = bytes_.size();
    bytes_.append(s);
    bytes_.push_back('\0'); // names are handed over as C strings
    return off;
}

Operand ContentReader::scalar(const QPDFTokenizer::Token &t)
{
    Operand o{ PFV_OTHER, 0, 0, 0, false };
    switch (t.getType()) {
    case QPDFTokenizer::tt_integer:
    case QPDFTokenizer::tt_real: {
        const std::string &v = t.getValue();
        char *end = nullptr;
        double d = std::strtod(v.c_str(), &end);
        if (end && *end == '\0' && std::isfinite(d)) {
            o.k = PFV_NUM;
            o.num = d;
        }
        break;
    }
    case QPDFTokenizer::tt_name:
        o.k = PFV_NAME;
        o.len = t.getValue().size();
        o.off = keep(t.getValue());
        break;
    case QPDFTokenizer::tt_string:
        o.k = PFV_STR;
        o.len = t.getValue().size();
        o.off = keep(t.getValue());
        break;
    case QPDFTokenizer::tt_bool:
        o.k = PFV_BOOL;
        o.num = t.getValue() == "true";
        break;
    default:
        break;
    }
    return o;
}

void ContentReader::push_arg(const Operand &o)
{
    if (args_.size() == PFC_MAX_ARGS)
        args_.erase(args_.begin());
    args_.push_back(o);
}

// A token that is not an operator: an operand, or part of an array or dictionary.
void ContentReader::value(const QPDFTokenizer::Token &t)
{
    QPDFTokenizer::token_type_e ty = t.getType();
    if (dict_depth_ > 0) { // dictionaries (marked-content properties) are skipped whole
        if (ty == QPDFTokenizer::tt_dict_open)
            dict_depth_++;
        else if (ty == QPDFTokenizer::tt_dict_close)
            dict_depth_--;
        if (dict_depth_ == 0 && array_depth_ == 0)
            push_arg(Operand{ PFV_OTHER, 0, 0, 0, false });
        return;
    }
    if (ty == QPDFTokenizer::tt_dict_open) {
        dict_depth_ = 1;
        return;
    }
    if (ty == QPDFTokenizer::tt_array_open) {
        if (array_depth_++ == 0)
            array_ = Operand{ PFV_ARRAY, 0, elems_.size(), 0, false };
        return;
    }
    if (ty == QPDFTokenizer::tt_array_close) {
        if (array_depth_ > 0 && --array_depth_ == 0)
            push_arg(array_);
        return; // a stray ']' is ignored
    }
    Operand o = scalar(t);
    if (array_depth_ == 0) {
        push_arg(o);
    } else if (o.k == PFV_NUM || o.k == PFV_NAME || o.k == PFV_STR) {
        if (array_.len < PFC_MAX_ELEMS) {
            elems_.push_back(o);
            array_.len++;
        } else {
            array_.partial = true;
        }
    }
}

// Hands one operator to C with its operands (pointers resolved now that nothing grows).
bool ContentReader::deliver(const std::string &op)
{
    out_elems_.clear();
    for (const Operand &e : elems_)
        out_elems_.push_back(pfc_value{ e.k, e.num,
                                        e.k == PFV_NAME || e.k == PFV_STR
                                            ? reinterpret_cast<const unsigned char *>(
                                                  bytes_.data() + e.off)
                                            : nullptr,
                                        e.len, nullptr, false });
    out_args_.clear();
    for (const Operand &a : args_) {
        pfc_value v{ a.k, a.num, nullptr, a.len, nullptr, a.partial };
        if (a.k == PFV_NAME || a.k == PFV_STR)
            v.s = reinterpret_cast<const unsigned char *>(bytes_.data() + a.off);
        else if (a.k == PFV_ARRAY)
            v.el = out_elems_.data() + a.off;
        out_args_.push_back(v);
    }
    pfc_op o{ op.c_str(), out_args_.data(), static_cast<int>(out_args_.size()) };
    bool go_on = fn_(ctx_, &o);
    args_.clear();
    elems_.clear();
    bytes_.clear();
    return go_on;
}

pfc_status ContentReader::read(const unsigned char *data, size_t len, size_t *tokens_left)
{
    // The Buffer only points at the caller's bytes (never written through).
    Buffer buf(const_cast<unsigned char *>(data), len);
    auto in = std::make_shared<BufferInputSource>("content stream", &buf);
    QPDFTokenizer tok;
    tok.allowEOF();
    bool inline_dict = false; // between BI and ID
    for (;;) {
        QPDFTokenizer::Token t = tok.readToken(in, "content stream", true);
        QPDFTokenizer::token_type_e ty = t.getType();
        if (ty == QPDFTokenizer::tt_eof)
            return PFC_OK;
        if (*tokens_left == 0)
            return PFC_BUDGET;
        --*tokens_left;
        if (ty == QPDFTokenizer::tt_bad || ty == QPDFTokenizer::tt_brace_open ||
            ty == QPDFTokenizer::tt_brace_close)
            continue;
        if (ty != QPDFTokenizer::tt_word) {
            value(t);
            continue;
        }
        if (array_depth_ > 0 || dict_depth_ > 0)
            continue; // a word inside an array or dictionary is no operator
        const std::string &w = t.getValue();
        if (w == "BI") {
            args_.clear();
            elems_.clear();
            bytes_.clear();
            inline_dict = true;
            continue;
        }
        if (inline_dict && w != "ID")
            continue;
        if (inline_dict) {
            inline_dict = false;
            if (!deliver("BI"))
                return PFC_STOPPED;
            // The image data: after the one white-space byte that ends "ID", up to EI.
            char ch;
            in->read(&ch, 1);
            tok.expectInlineImage(in);
            QPDFTokenizer::Token img = tok.readToken(in, "inline image", true);
            if (img.getType() != QPDFTokenizer::tt_inline_image)
                return PFC_OK; // no EI: the stream ends inside the image
            continue;
        }
        if (!deliver(w))
            return PFC_STOPPED;
    }
}

// Collects decoded bytes in malloc'd memory (the C caller frees them) and stops the
// decoders by throwing once the limit is passed.
class LimitedSink : public Pipeline {
  public:
    explicit LimitedSink(size_t limit) : Pipeline("preflight sink", nullptr), limit_(limit) {}
    ~LimitedSink() override { std::free(buf_); }
    void write(unsigned char const *data, size_t len) override
    {
        if (len > limit_ - n_) {
            too_big_ = true;
            throw std::length_error("stream larger than the limit");
        }
        if (n_ + len + 1 > cap_) {
            size_t nc = cap_ ? cap_ : 4096;
            while (nc < n_ + len + 1)
                nc = nc > limit_ ? limit_ + 1 : nc * 2;
            auto *nb = static_cast<unsigned char *>(std::realloc(buf_, nc));
            if (!nb)
                throw std::bad_alloc();
            buf_ = nb;
            cap_ = nc;
        }
        std::memcpy(buf_ + n_, data, len);
        n_ += len;
    }
    void finish() override {}
    bool too_big() const { return too_big_; }
    // Hands the bytes over, NUL-terminated.
    unsigned char *take(size_t *len)
    {
        if (!buf_ && !(buf_ = static_cast<unsigned char *>(std::malloc(1))))
            return nullptr;
        buf_[n_] = 0;
        *len = n_;
        unsigned char *b = buf_;
        buf_ = nullptr;
        return b;
    }

  private:
    size_t limit_, n_ = 0, cap_ = 0;
    unsigned char *buf_ = nullptr;
    bool too_big_ = false;
};

void set_err(char *err, size_t errlen, const char *what)
{
    if (errlen)
        std::snprintf(err, errlen, "%s", what);
}

} // namespace

extern "C" pfc_status pfc_read(const unsigned char *data, size_t len, size_t *tokens_left,
                               pfc_fn fn, void *ctx)
{
    try {
        ContentReader r(fn, ctx);
        return r.read(data, len, tokens_left);
    } catch (std::bad_alloc &) {
        return PFC_NOMEM;
    } catch (...) {
        return PFC_ERROR;
    }
}

extern "C" pfd_status pfd_decode(const unsigned char *raw, size_t rawlen, const char *filters,
                                 size_t limit, unsigned char **out, size_t *len, char *err,
                                 size_t errlen)
{
    *out = nullptr;
    *len = 0;
    LimitedSink sink(limit);
    try {
        // A stream of its own in an empty document, with the original's filters: qpdf
        // then decodes it with exactly the decoders it uses for any stream.
        QPDF scratch;
        scratch.setSuppressWarnings(true);
        scratch.emptyPDF();
        QPDFObjectHandle params = QPDFObjectHandle::parse(filters, "stream filters");
        QPDFObjectHandle s = QPDFObjectHandle::newStream(
            &scratch, std::string(reinterpret_cast<const char *>(raw), rawlen));
        QPDFObjectHandle dict = s.getDict();
        for (const char *k : { "/Filter", "/DecodeParms" })
            if (params.isDictionary() && params.hasKey(k))
                dict.replaceKey(k, params.getKey(k));
        bool attempted = false;
        bool ok = s.pipeStreamData(&sink, &attempted, 0, qpdf_dl_specialized, true, false);
        if (sink.too_big())
            return PFD_TOO_BIG;
        bool filtered = dict.hasKey("/Filter") && !dict.getKey("/Filter").isNull() &&
                        !(dict.getKey("/Filter").isArray() &&
                          dict.getKey("/Filter").getArrayNItems() == 0);
        if (!ok || (filtered && !attempted)) {
            set_err(err, errlen, filtered && !attempted ? "its filter is not one for content"
                                                        : "its compressed data is damaged");
            return PFD_BAD;
        }
    } catch (std::bad_alloc &) {
        return PFD_NOMEM;
    } catch (std::exception &e) {
        if (sink.too_big())
            return PFD_TOO_BIG;
        set_err(err, errlen, e.what());
        return PFD_BAD;
    }
    *out = sink.take(len);
    return *out ? PFD_OK : PFD_NOMEM;
}
