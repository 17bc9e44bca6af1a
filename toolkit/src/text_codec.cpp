// Texts compressed one by one with zstd against a dictionary trained on the first texts.
#include "relais/toolkit/text_codec.hpp"

#include <zdict.h>
#include <zstd.h>

#include "relais/base/error.hpp"

namespace relais::toolkit {
namespace {

constexpr int kLevel = 3;

struct DCtxFree {
  void operator()(ZSTD_DCtx* c) const { ZSTD_freeDCtx(c); }
};
struct CCtxFree {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};

ZSTD_DCtx* ThreadDCtx() {
  thread_local std::unique_ptr<ZSTD_DCtx, DCtxFree> ctx(ZSTD_createDCtx());
  if (!ctx) throw Error(ErrorKind::kInternal, "zstd: cannot create a decompression context");
  return ctx.get();
}

ZSTD_CCtx* ThreadCCtx() {
  thread_local std::unique_ptr<ZSTD_CCtx, CCtxFree> ctx(ZSTD_createCCtx());
  if (!ctx) throw Error(ErrorKind::kInternal, "zstd: cannot create a compression context");
  return ctx.get();
}

}  // namespace

struct TextCodec::Dictionaries {
  ZSTD_CDict* compress = nullptr;
  ZSTD_DDict* decompress = nullptr;
  ~Dictionaries() {
    ZSTD_freeCDict(compress);
    ZSTD_freeDDict(decompress);
  }
};

TextCodec::TextCodec() = default;
TextCodec::~TextCodec() = default;

void TextCodec::Train(std::span<const std::string> samples) {
  std::string joined;
  std::vector<std::size_t> sizes;
  for (const std::string& s : samples) {
    if (s.empty()) continue;
    joined += s;
    sizes.push_back(s.size());
  }
  std::string dict(kDictionaryBytes, '\0');
  const std::size_t size = sizes.empty() ? 0
                                         : ZDICT_trainFromBuffer(dict.data(), dict.size(), joined.data(), sizes.data(),
                                                                 static_cast<unsigned>(sizes.size()));
  if (sizes.empty() || ZDICT_isError(size)) return;  // too few samples: no dictionary
  auto d = std::make_unique<Dictionaries>();
  d->compress = ZSTD_createCDict(dict.data(), size, kLevel);
  d->decompress = ZSTD_createDDict(dict.data(), size);
  if (d->compress == nullptr || d->decompress == nullptr)
    throw Error(ErrorKind::kInternal, "zstd: cannot load the trained dictionary");
  dict_ = std::move(d);
}

std::string TextCodec::Encode(std::string_view text) const {
  if (text.empty()) return {};
  std::string out(ZSTD_compressBound(text.size()), '\0');
  const std::size_t n =
      dict_ ? ZSTD_compress_usingCDict(ThreadCCtx(), out.data(), out.size(), text.data(), text.size(), dict_->compress)
            : ZSTD_compressCCtx(ThreadCCtx(), out.data(), out.size(), text.data(), text.size(), kLevel);
  if (ZSTD_isError(n)) throw Error(ErrorKind::kInternal, std::string("zstd: ") + ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

std::string_view TextCodec::Decode(std::string_view stored, std::string& buffer) const {
  if (stored.empty()) return {};
  const unsigned long long size = ZSTD_getFrameContentSize(stored.data(), stored.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN)
    throw Error(ErrorKind::kInternal, "zstd: a stored text has no size");
  buffer.resize(static_cast<std::size_t>(size));
  const std::size_t n =
      dict_ ? ZSTD_decompress_usingDDict(ThreadDCtx(), buffer.data(), buffer.size(), stored.data(), stored.size(),
                                         dict_->decompress)
            : ZSTD_decompressDCtx(ThreadDCtx(), buffer.data(), buffer.size(), stored.data(), stored.size());
  if (ZSTD_isError(n) || n != buffer.size()) throw Error(ErrorKind::kInternal, "zstd: cannot decompress a stored text");
  return buffer;
}

}  // namespace relais::toolkit
