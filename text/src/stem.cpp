// Snowball French stemming: libstemmer (one sb_stemmer per FrenchStemmer) behind a word cache, plus the
// elision step of Snowball 3 (the reference vocabulary's version) that Debian's libstemmer 2.2 lacks.
#include "relais/text/stem.hpp"

#include <libstemmer.h>

#include <string>
#include <unordered_map>

#include "relais/base/error.hpp"

namespace relais::text {

struct FrenchStemmer::Impl {
  sb_stemmer* stemmer = nullptr;
  std::size_t capacity = 0;
  std::unordered_map<std::string, std::string> cache;
  std::string last;
  std::string key;
};

FrenchStemmer::FrenchStemmer(std::size_t cache_capacity) : impl_(std::make_unique<Impl>()) {
  impl_->stemmer = sb_stemmer_new("french", "UTF_8");
  if (!impl_->stemmer) throw Error(ErrorKind::kInternal, "libstemmer has no French UTF-8 stemmer");
  impl_->capacity = cache_capacity;
  impl_->cache.reserve(cache_capacity);
}

FrenchStemmer::~FrenchStemmer() { sb_stemmer_delete(impl_->stemmer); }

namespace {

// Snowball 3 removes an elided article or pronoun first (l'avion → avion); libstemmer 2.2 does not.
std::string_view StripElision(std::string_view word) {
  for (std::string_view prefix : {"qu'", "c'", "d'", "j'", "l'", "m'", "n'", "s'", "t'"})
    if (word.size() > prefix.size() && word.substr(0, prefix.size()) == prefix) return word.substr(prefix.size());
  return word;
}

}  // namespace

std::string_view FrenchStemmer::StemUncached(std::string_view word) {
  word = StripElision(word);
  const sb_symbol* out =
      sb_stemmer_stem(impl_->stemmer, reinterpret_cast<const sb_symbol*>(word.data()), static_cast<int>(word.size()));
  if (!out) throw Error(ErrorKind::kInternal, "libstemmer: out of memory");
  return {reinterpret_cast<const char*>(out), static_cast<std::size_t>(sb_stemmer_length(impl_->stemmer))};
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

}  // namespace relais::text
