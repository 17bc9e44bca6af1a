// Snowball French stemming: our implementation of the current Snowball algorithm (detail/snowball_french)
// behind a word cache. libstemmer 2.2 (Debian's) stays as the oracle of the 2.x algorithm: the tests
// check that our code with the Snowball 3 rules off equals it word for word.
#include "relais/text/stem.hpp"

#include <libstemmer.h>

#include <string>
#include <unordered_map>

#include "detail/snowball_french.hpp"
#include "detail/unicode.hpp"
#include "relais/base/error.hpp"

namespace relais::text {
namespace {

// Decodes UTF-8 into out; false on invalid input.
bool DecodeUtf8(std::string_view in, std::u32string& out) {
  out.clear();
  bool invalid = false;
  for (std::size_t i = 0; i < in.size() && !invalid;) out.push_back(detail::DecodeUtf8(in, i, &invalid));
  return !invalid;
}

void EncodeUtf8(std::u32string_view in, std::string& out) {
  out.clear();
  for (char32_t c : in) detail::AppendUtf8(out, c);
}

}  // namespace

struct FrenchStemmer::Impl {
  std::size_t capacity = 0;
  bool current = true;
  std::unordered_map<std::string, std::string> cache;
  std::u32string code_points;
  std::string out;
  std::string key;
};

FrenchStemmer::FrenchStemmer(std::size_t cache_capacity, SnowballVersion version) : impl_(std::make_unique<Impl>()) {
  impl_->capacity = cache_capacity;
  impl_->current = version == SnowballVersion::kCurrent;
  impl_->cache.reserve(cache_capacity);
}

FrenchStemmer::~FrenchStemmer() = default;

std::string_view FrenchStemmer::StemUncached(std::string_view word) {
  if (!DecodeUtf8(word, impl_->code_points)) return word;  // not text: left as it is
  detail::SnowballFrench(impl_->code_points, detail::SnowballRules{impl_->current});
  EncodeUtf8(impl_->code_points, impl_->out);
  return impl_->out;
}

std::string_view FrenchStemmer::Stem(std::string_view word) {
  if (impl_->capacity == 0) return StemUncached(word);
  impl_->key.assign(word);
  if (auto it = impl_->cache.find(impl_->key); it != impl_->cache.end()) {
    ++cache_hits_;
    return it->second;
  }
  if (impl_->cache.size() >= impl_->capacity) impl_->cache.clear();
  const std::string_view stem = StemUncached(word);
  return impl_->cache.emplace(impl_->key, std::string(stem)).first->second;
}

std::string StemFrench(std::string_view word) {
  thread_local FrenchStemmer stemmer;
  return std::string(stemmer.Stem(word));
}

struct Libstemmer::Impl {
  sb_stemmer* stemmer = nullptr;
};

Libstemmer::Libstemmer() : impl_(std::make_unique<Impl>()) {
  impl_->stemmer = sb_stemmer_new("french", "UTF_8");
  if (!impl_->stemmer) throw Error(ErrorKind::kInternal, "libstemmer has no French UTF-8 stemmer");
}

Libstemmer::~Libstemmer() { sb_stemmer_delete(impl_->stemmer); }

std::string_view Libstemmer::Stem(std::string_view word) {
  const sb_symbol* out =
      sb_stemmer_stem(impl_->stemmer, reinterpret_cast<const sb_symbol*>(word.data()), static_cast<int>(word.size()));
  if (!out) throw Error(ErrorKind::kInternal, "libstemmer: out of memory");
  return {reinterpret_cast<const char*>(out), static_cast<std::size_t>(sb_stemmer_length(impl_->stemmer))};
}

}  // namespace relais::text
